import { describe, expect, it } from 'vitest';
import abo from '../vectors/tickets-abe-okamoto.json' with { type: 'json' };
import { PublicKey, bytesToBase64url, decodeKeyPair, hexToBytes } from './imports.js';
import { runCli } from './run-cli.js';

const v = abo.cases[0]!;
const pub = bytesToBase64url(hexToBytes('pk', v.publicKey));
const other = bytesToBase64url(hexToBytes('pk', abo.cases[1]!.publicKey));
const noon = `${v.day}T12:00:00Z`;

// Up to 8 runs of the CLI from source in one case (tsx): ~0.5 s each idle, 1-3 s on a loaded machine.
describe('workpass ticket', { timeout: 120_000 }, () => {
  it('verify: exit 0 for a valid ticket', () => {
    const r = runCli(['ticket', 'verify', v.ticketText, '--key', pub, '--now', noon]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('valid');
    expect(r.stdout).toContain(v.spendId);
  });

  it('verify: exit 1 with the reason for another relay’s key, expiry, a future day, a tampered signature', () => {
    expect(runCli(['ticket', 'verify', v.ticketText, '--key', other, '--now', noon])).toMatchObject({ code: 1, stdout: expect.stringContaining('unknown-key') });
    expect(runCli(['ticket', 'verify', v.ticketText, '--key', pub, '--now', '2026-12-04T00:00:00Z'])).toMatchObject({ code: 1, stdout: expect.stringContaining('expired') });
    expect(runCli(['ticket', 'verify', v.ticketText, '--key', pub, '--now', '2026-11-30T12:00:00Z'])).toMatchObject({ code: 1, stdout: expect.stringContaining('wrong-day') });
    const bytes = hexToBytes('t', v.ticket);
    bytes[120]! ^= 1;
    expect(runCli(['ticket', 'verify', bytesToBase64url(bytes), '--key', pub, '--now', noon])).toMatchObject({ code: 1, stdout: expect.stringContaining('bad-signature') });
  });

  it('verify: exit 2 for malformed tickets, keys or options', () => {
    expect(runCli(['ticket', 'verify', 'not*base64', '--key', pub]).code).toBe(2);
    expect(runCli(['ticket', 'verify', v.ticketText.slice(0, -4), '--key', pub]).code).toBe(2);
    expect(runCli(['ticket', 'verify', v.ticketText, '--key', 'AAAA']).code).toBe(2);
    expect(runCli(['ticket', 'verify', v.ticketText]).code).toBe(2);
    expect(runCli(['ticket', 'verify', v.ticketText, '--key', pub, '--now', 'yesterday']).code).toBe(2);
    expect(runCli(['ticket', 'verify', v.ticketText, '--key', pub, '--bogus']).code).toBe(2);
    expect(runCli(['ticket', 'frobnicate']).code).toBe(2);
    const r = runCli(['ticket', 'verify', 'AQID', '--key', pub]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('malformed');
  });

  it('keygen prints a key pair that decodes and whose public key is usable', () => {
    const r = runCli(['ticket', 'keygen']);
    expect(r.code).toBe(0);
    const key = decodeKeyPair(JSON.parse(r.stdout));
    expect(PublicKey.fromText(JSON.parse(r.stdout).public).equals(key.publicKey)).toBe(true);
    expect(runCli(['ticket', 'keygen', 'extra']).code).toBe(2);
  });
});
