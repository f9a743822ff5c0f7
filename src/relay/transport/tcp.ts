import { createServer, type Socket } from 'node:net';
import { LineSplitter } from './lines.js';
import { bindListener } from './listen.js';
import type { Listener, Peer, PeerHandler } from './peer.js';

export interface TcpOptions {
  readonly host: string;
  readonly port: number;
  readonly maxLineBytes: number;
  /** Hang up on a peer whose unsent output exceeds this (a slow reader). */
  readonly maxBufferedBytes: number;
}

/** Stratum v1 over TCP: newline-delimited JSON-RPC. */
export async function listenTcp(opts: TcpOptions, handler: PeerHandler): Promise<Listener> {
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    let closed = false;
    const peer: Peer = {
      transport: 'tcp',
      send(message) {
        if (closed) return false;
        if (socket.writableLength > opts.maxBufferedBytes) {
          socket.destroy();
          return false;
        }
        socket.write(message + '\n');
        return true;
      },
      close() {
        if (!closed) socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      },
    };
    const onMessage = handler.open(peer);
    if (onMessage === null) {
      socket.destroy();
      sockets.delete(socket);
      return;
    }
    const splitter = new LineSplitter(opts.maxLineBytes);
    socket.on('data', (chunk: Buffer) => {
      const lines = splitter.push(chunk);
      if (lines === 'overflow') {
        socket.destroy();
        return;
      }
      for (const line of lines) {
        if (closed) return;
        onMessage(line);
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      sockets.delete(socket);
      if (closed) return;
      closed = true;
      handler.closed(peer);
    });
  });
  return bindListener(server, opts.host, opts.port, 'tcp', () => {
    for (const s of sockets) s.destroy();
  });
}
