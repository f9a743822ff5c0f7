/**
 * One connected client, whichever transport carries it. The session model above (src/relay/connection.ts)
 * sees only this: one JSON-RPC message per send, and a way to hang up.
 */
export interface Peer {
  readonly transport: 'ws' | 'tcp' | 'cells';
  /** Sends one message; returns false (and hangs up) when the peer is too slow to keep up. */
  send(message: string): boolean;
  close(): void;
}

/** What a transport calls on the layer above. */
export interface PeerHandler {
  /** A new peer; returns its message callback, or null to refuse it (e.g. too many sessions). */
  open(peer: Peer): ((message: string) => void) | null;
  /** The peer is gone (after open returned non-null). */
  closed(peer: Peer): void;
}

export interface Listener {
  readonly host: string;
  readonly port: number;
  /** Stops accepting and closes every connection. */
  close(): Promise<void>;
}
