/**
 * The one kernel ABI shared by every WebAssembly mining kernel (wasm/kernels/<name>.ts).
 *
 * Exports of every kernel module (all offsets are byte addresses in the module's own memory):
 *   memory                       the module's linear memory
 *   headerPtr(): i32             80-byte buffer: the block header; bytes 76..79 (nonce) are ignored by scan
 *   targetPtr(): i32             32-byte buffer: the target as a little-endian 256-bit integer
 *   outPtr(): i32                32-byte buffer: the hash written by hash()
 *   setJob(): void               reads header[0..76) and target, precomputes per-job state (e.g. midstate)
 *   scan(start: u32, count: u32): i32
 *                                tries nonces start, start+1, ... (mod 2^32) up to count of them and stops at
 *                                the first whose hash <= target; returns 1 if found, else 0
 *   foundNonce(): u32            the nonce found by the last scan that returned 1
 *   hashesDone(): u32            how many nonces the last scan tried
 *   hash(): void                 hashes the full 80-byte header in headerPtr into outPtr (for verification)
 *
 * Hashes are in internal byte order (the raw digest; block explorers show it reversed). A hash
 * meets a target when, read as a little-endian 256-bit integer, it is <= the target.
 */
export interface PowKernel {
  readonly algorithm: string;
  /** header76: the 76 header bytes before the nonce; target: 32 bytes, little-endian. */
  setJob(header76: Uint8Array, target: Uint8Array): void;
  /** Scans `count` nonces from `startNonce`; no JS call per hash. */
  scan(startNonce: number, count: number): ScanResult;
  /** The PoW hash (internal byte order) of a full 80-byte header. */
  hash(header80: Uint8Array): Uint8Array;
}

export interface ScanResult {
  /** The first nonce whose hash meets the target, or null if none in the range. */
  readonly nonce: number | null;
  /** Hashes computed by this call. */
  readonly hashes: number;
}
