/**
 * Writes test/vectors/tickets-abe-okamoto.json from seeded randomness. Run once after a format
 * change (npx tsx test/tickets/gen-vectors.ts); vectors.test.ts then asserts the file.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transcript, VECTOR_CASES } from './transcript.js';

const out = fileURLToPath(new URL('../vectors/tickets-abe-okamoto.json', import.meta.url));
const vectors = {
  description:
    'Abe-Okamoto partially blind signatures over ristretto255 (docs/tickets.md). Scalars are 32-byte little-endian hex, ' +
    'points 32-byte ristretto255 hex. Randomness: seededRandom(seed + "/key") for the key, seededRandom(seed + "/session") ' +
    'for x, then (u, s, d), then (t1..t4), each scalar from 64 bytes reduced mod l.',
  cases: VECTOR_CASES.map(([seed, day]) => transcript(seed, day)),
};
writeFileSync(out, JSON.stringify(vectors, null, 2) + '\n');
process.stdout.write(`wrote ${vectors.cases.length} cases to ${out}\n`);
