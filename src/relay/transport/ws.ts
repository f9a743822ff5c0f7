import { WebSocketServer, type WebSocket } from 'ws';
import type { Listener, Peer, PeerHandler } from './peer.js';

export interface WsOptions {
  readonly host: string;
  readonly port: number;
  /** Cap on one frame (one message); larger frames close the connection with code 1009. */
  readonly maxFrameBytes: number;
  readonly maxBufferedBytes: number;
}

/** JSON-RPC over WebSocket: one message per text frame. Binary frames are a protocol error (close 1003). */
export async function listenWs(opts: WsOptions, handler: PeerHandler): Promise<Listener> {
  const wss = new WebSocketServer({ host: opts.host, port: opts.port, maxPayload: opts.maxFrameBytes, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => {
      wss.off('error', reject);
      resolve();
    });
  });
  wss.on('connection', (ws: WebSocket) => {
    let closed = false;
    const peer: Peer = {
      transport: 'ws',
      send(message) {
        if (closed || ws.readyState !== ws.OPEN) return false;
        if (ws.bufferedAmount > opts.maxBufferedBytes) {
          ws.terminate();
          return false;
        }
        ws.send(message);
        return true;
      },
      close() {
        ws.close(1000);
        setTimeout(() => ws.terminate(), 1000).unref();
      },
    };
    const onMessage = handler.open(peer);
    if (onMessage === null) {
      ws.close(1013, 'try again later');
      return;
    }
    ws.on('message', (data, isBinary) => {
      if (closed) return;
      if (isBinary) {
        ws.close(1003, 'text frames only');
        return;
      }
      onMessage(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8'));
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      if (closed) return;
      closed = true;
      handler.closed(peer);
    });
  });
  const addr = wss.address();
  if (addr === null || typeof addr === 'string') throw new Error('ws listener has no address');
  return {
    host: opts.host,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
