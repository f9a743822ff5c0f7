import { randomBytes } from '@noble/hashes/utils.js';
import { bytesToHex } from '../core/util/bytes.js';
import { InputError } from '../core/util/errors.js';
import {
  DAY_MS, Keyring, PublicKey, SigningKey, encodeKeyPair, ticketFromText, verifyTicket, type Ticket,
} from '../core/tickets/index.js';
import { parseArgs, UsageError, type Command } from './usage.js';

const USAGE = `usage: workpass ticket verify <ticket-b64url> --key <public-key-b64url> [--now <ISO time>] [--grace-hours N]
       workpass ticket keygen

verify   checks a priority ticket against one relay ticket key: exit 0 if valid, 1 if not
         (the reason is printed), 2 if the ticket, key or options are malformed.
         --now defaults to the current time; --grace-hours (default 48) is how long after its
         day ends a ticket stays spendable.
keygen   prints a new ticket key pair as JSON {version, keyId, public, secret}.
         The secret signs tickets: store it like any private key. It is not a Tor key.`;

function parseNow(flag: string | true | undefined): number {
  if (flag === undefined) return Date.now();
  if (flag === true || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(flag)) {
    throw new UsageError('--now must be an ISO 8601 time with a zone, e.g. 2026-12-01T12:00:00Z');
  }
  const t = Date.parse(flag);
  if (!Number.isFinite(t) || t < 0) throw new UsageError(`--now: not a valid time: ${flag}`);
  return t;
}

function parseGrace(flag: string | true | undefined): number {
  if (flag === undefined) return 48 * 3_600_000;
  const h = Number(flag);
  if (flag === true || !Number.isInteger(h) || h < 0 || h > 24 * 366) throw new UsageError('--grace-hours must be an integer in [0, 8784]');
  return h * 3_600_000;
}

async function verifyCommand(args: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(args, { strings: ['key', 'now', 'grace-hours'] });
  if (positionals.length !== 1) throw new UsageError(`expected exactly one ticket\n${USAGE}`);
  const keyText = flags.get('key');
  if (typeof keyText !== 'string') throw new UsageError('--key <public-key-b64url> is required');
  const now = parseNow(flags.get('now'));
  const graceMs = parseGrace(flags.get('grace-hours'));
  const key = PublicKey.fromText(keyText, '--key');
  let ticket: Ticket;
  try {
    ticket = ticketFromText(positionals[0]);
  } catch (err) {
    if (err instanceof InputError) throw new InputError('ticket', `malformed: ${err.message}`);
    throw err;
  }
  // One key, accepted for tickets of any day; the day and expiry checks still apply.
  const ring = new Keyring(graceMs);
  ring.addPublic(key, '1970-01-01', '9999-12-31');
  const r = verifyTicket(ticket, ring, now, { graceMs });
  if (!r.ok) {
    process.stdout.write(`invalid: ${r.reason}: ${r.detail}\n`);
    return 1;
  }
  process.stdout.write(
    [
      'valid',
      `key id    ${bytesToHex(r.ticket.keyId)}`,
      `day       ${r.ticket.day}`,
      `spend id  ${bytesToHex(r.spendId)}`,
      `expires   ${new Date(r.expiresAt).toISOString()} (${((r.expiresAt - now) / DAY_MS).toFixed(2)} days from now)`,
    ].join('\n') + '\n',
  );
  return 0;
}

export const command: Command = {
  summary: 'priority tickets: verify <ticket> --key <public key> | keygen',
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === undefined || sub === '--help' || sub === 'help') {
      process.stdout.write(USAGE + '\n');
      return sub === undefined ? 2 : 0;
    }
    if (sub === 'verify') return verifyCommand(rest);
    if (sub === 'keygen') {
      const { positionals } = parseArgs(rest, {});
      if (positionals.length !== 0) throw new UsageError('keygen takes no arguments');
      process.stdout.write(JSON.stringify(encodeKeyPair(SigningKey.generate(randomBytes)), null, 2) + '\n');
      return 0;
    }
    throw new UsageError(`unknown subcommand '${sub}'\n${USAGE}`);
  },
};
