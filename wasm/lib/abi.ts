// Static buffers of the kernel ABI (src/core/pow/kernel.ts), shared by every kernel module.

export const HEADER: usize = memory.data(80, 16);
export const TARGET: usize = memory.data(32, 16);
export const OUT: usize = memory.data(32, 16);

let found: u32 = 0;
let done: u32 = 0;

export function setScanResult(nonce: u32, hashes: u32): void {
  found = nonce;
  done = hashes;
}

export function headerPtr(): usize { return HEADER; }
export function targetPtr(): usize { return TARGET; }
export function outPtr(): usize { return OUT; }
export function foundNonce(): u32 { return found; }
export function hashesDone(): u32 { return done; }
