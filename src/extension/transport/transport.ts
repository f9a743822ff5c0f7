/**
 * The transport seam: how the background reaches a relay. The add-on uses WebSocket (wss:// to an
 * onion service through Tor Browser's proxy, ws:// on loopback); tests pass an in-memory pair.
 * A channel carries whole text messages (one JSON-RPC message each).
 */
export interface Channel {
  send(text: string): void;
  /** Closes the channel; onClose fires once afterwards (if it had not already). */
  close(): void;
  onMessage: ((text: string) => void) | null;
  onClose: ((reason: string) => void) | null;
}

export interface Transport {
  /** Opens a channel to `endpoint`; rejects when the relay cannot be reached. */
  open(endpoint: string, signal?: AbortSignal): Promise<Channel>;
}
