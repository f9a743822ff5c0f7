import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { CellStream } from '../../core/protocol/cells/cell-stream.js';
import type { MiningMessage } from '../../core/protocol/cells/message.js';
import { bindListener } from './listen.js';
import type { Listener } from './peer.js';

export interface CellsOptions {
  readonly host: string;
  readonly port: number;
  /** Hang up on a peer whose unsent output exceeds this (a slow reader). */
  readonly maxBufferedBytes: number;
}

/** One cells connection as the layer above sees it: whole mining messages, and a way to hang up. */
export interface CellPeer {
  /** Sends one message (one or more cells); false (and hung up) when the peer is too slow or it cannot be encoded. */
  send(message: MiningMessage): boolean;
  close(): void;
}

export interface CellHandler {
  /** A new peer; returns its message callback, or null to refuse it. */
  open(peer: CellPeer): ((message: MiningMessage) => void) | null;
  /** The peer is gone (after open returned non-null). */
  closed(peer: CellPeer): void;
}

/** tor-spec: the unused tail of a relay cell SHOULD be random. */
const padding = (n: number): Uint8Array => new Uint8Array(randomBytes(n));

/**
 * The mining cells over TCP (docs/cells.md): back-to-back 509-byte relay cells, both ways. A cell
 * or message that breaks the format (garbage, an oversized length, a fragment flood past the
 * reassembler's bounds) ends the connection; the reassembler bounds what one peer can make us hold.
 */
export async function listenCells(opts: CellsOptions, handler: CellHandler): Promise<Listener> {
  const sockets = new Set<Socket>();
  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.setKeepAlive(true, 60_000);
    const stream = new CellStream({ padding });
    let closed = false;
    const peer: CellPeer = {
      send(message) {
        if (closed) return false;
        if (socket.writableLength > opts.maxBufferedBytes) {
          socket.destroy();
          return false;
        }
        let bytes: Uint8Array;
        try {
          bytes = stream.encode(message);
        } catch {
          socket.destroy();
          return false;
        }
        socket.write(bytes);
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
    socket.on('data', (chunk: Buffer) => {
      let messages: MiningMessage[];
      try {
        messages = stream.decode(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length), Date.now());
      } catch {
        socket.destroy();
        return;
      }
      try {
        for (const m of messages) {
          if (closed) return;
          onMessage(m);
        }
      } catch {
        // The layer above never throws on client input; if it does, this connection ends, not the daemon.
        socket.destroy();
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
  return bindListener(server, opts.host, opts.port, 'cells', () => {
    for (const s of sockets) s.destroy();
  });
}
