import { randomInt } from 'node:crypto';
import type { ExtranonceLayout } from './jobs/source.js';

/**
 * Hands each subscribed connection its own extranonce1: the job source's prefix (a pool's
 * extranonce1, or nothing in solo mode) followed by a `sliceBytes`-byte slice unique among live
 * connections. So no two clients ever search the same coinbase space.
 */
export class ExtranonceAllocator {
  private readonly inUse = new Set<string>();
  private next: number;

  constructor(private layout: ExtranonceLayout) {
    this.next = randomInt(0, 2 ** (8 * Math.min(4, layout.sliceBytes)));
  }

  /** Changes the layout (pool reconnect): every current slice becomes void. */
  reset(layout: ExtranonceLayout): void {
    this.layout = layout;
    this.inUse.clear();
  }

  get size(): number {
    return this.inUse.size;
  }

  /** A fresh extranonce1 (hex), or null when every slice is taken. */
  allocate(): string | null {
    const space = 2 ** (8 * this.layout.sliceBytes);
    if (this.inUse.size >= space) return null;
    for (;;) {
      const n = this.next % space;
      this.next = n + 1;
      const en1 = this.layout.prefix + n.toString(16).padStart(2 * this.layout.sliceBytes, '0');
      if (!this.inUse.has(en1)) {
        this.inUse.add(en1);
        return en1;
      }
    }
  }

  release(extranonce1: string): void {
    this.inUse.delete(extranonce1);
  }
}
