/**
 * Directory authority keys for a private network: a v3 identity + signing key and certificate made by
 * tor-gencert, and the relay (RSA) identity fingerprint read with `tor --list-fingerprint`. Together they
 * make the `DirAuthority` line every node of the network is configured with.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TOR_BINARY } from './process.js';

const run = promisify(execFile);

export const TOR_GENCERT = process.env.WORKPASS_TOR_GENCERT ?? 'tor-gencert';

export interface AuthorityIdentity {
  readonly nickname: string;
  readonly orPort: number;
  readonly dirPort: number;
  /** v3ident: SHA-1 of the authority identity key, 40 hex digits (from the certificate). */
  readonly v3Ident: string;
  /** The relay identity fingerprint, 40 hex digits. */
  readonly fingerprint: string;
}

const HEX40 = /^[0-9A-F]{40}$/;

/** Creates `<dataDir>/keys/authority_*` and returns the identities; dataDir must exist with mode 0700. */
export async function createAuthorityKeys(
  dataDir: string,
  nickname: string,
  orPort: number,
  dirPort: number,
  defaultsPath: string,
): Promise<AuthorityIdentity> {
  const keys = join(dataDir, 'keys');
  await mkdir(keys, { mode: 0o700, recursive: true });
  const gencert = run(TOR_GENCERT, [
    '--create-identity-key',
    '-m', '12',
    '-a', `127.0.0.1:${dirPort}`,
    '-i', join(keys, 'authority_identity_key'),
    '-s', join(keys, 'authority_signing_key'),
    '-c', join(keys, 'authority_certificate'),
    // An empty passphrase read from stdin (closed at once) leaves the identity key unencrypted.
    '--passphrase-fd', '0',
  ]);
  gencert.child.stdin?.end();
  await gencert;
  const certificate = await readFile(join(keys, 'authority_certificate'), 'utf8');
  const v3Ident = /^fingerprint ([0-9A-F]{40})$/m.exec(certificate)?.[1];
  if (v3Ident === undefined) throw new Error(`${nickname}: no fingerprint line in authority_certificate`);

  // --list-fingerprint needs a (dummy) DirAuthority to accept TestingTorNetwork; it only writes keys.
  await run(TOR_BINARY, [
    '--defaults-torrc', defaultsPath,
    '--list-fingerprint',
    '--DataDirectory', dataDir,
    '--ORPort', `127.0.0.1:${orPort}`,
    '--Nickname', nickname,
    '--TestingTorNetwork', '1',
    '--DirAuthority', `placeholder 127.0.0.1:${dirPort} ${v3Ident}`,
  ]);
  const line = (await readFile(join(dataDir, 'fingerprint'), 'utf8')).trim();
  const fingerprint = line.split(' ')[1] ?? '';
  if (!HEX40.test(fingerprint)) throw new Error(`${nickname}: unexpected fingerprint file: ${line}`);
  return { nickname, orPort, dirPort, v3Ident, fingerprint };
}

/** `DirAuthority nickname orport=N v3ident=HEX 127.0.0.1:dirport FINGERPRINT` (tor manual, DirAuthority). */
export function dirAuthorityLine(a: AuthorityIdentity): string {
  return `${a.nickname} orport=${a.orPort} v3ident=${a.v3Ident} 127.0.0.1:${a.dirPort} ${a.fingerprint}`;
}
