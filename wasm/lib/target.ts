// Hash-vs-target on digest bytes: the 32 bytes read as a little-endian 256-bit integer <= target.

export function hashMeetsTarget(hash: usize, target: usize): bool {
  for (let j: isize = 28; j >= 0; j -= 4) {
    const hw = load<u32>(hash + j);
    const tw = load<u32>(target + j);
    if (hw != tw) return hw < tw;
  }
  return true;
}
