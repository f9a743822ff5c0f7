import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/util/errors.js';
import { MIGRATIONS, SchemaVersionError, migrate } from '../../src/relay/store/migrations.js';
import { Store } from '../../src/relay/store/store.js';
import { tempDir } from './helpers.js';

/** The newest schema version this code knows. */
const LATEST = MIGRATIONS.at(-1)!.version;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data dir whose relay.sqlite is as the release before migration 3 left it, with some data in it. */
function previousVersionStore(): string {
  const dir = tempDir();
  dirs.push(dir);
  mkdirSync(dir, { recursive: true });
  const db = new Database(join(dir, 'relay.sqlite'));
  db.pragma('journal_mode = WAL');
  expect(migrate(db, MIGRATIONS.filter((m) => m.version <= 2))).toBe(2);
  db.prepare("INSERT INTO sessions (token_hash, mode, credit, work, shares, issued, created_at, last_seen) VALUES (?, 'tickets', 5, 7, 3, 1, 10, 20)").run(Buffer.alloc(32, 1));
  db.prepare("INSERT INTO issued (day, key_id, count) VALUES ('2026-11-30', 'k1', 4)").run();
  db.prepare("INSERT INTO meta (name, value) VALUES ('solo.tip', '{\"prevhash\":\"ab\",\"height\":9}')").run();
  db.prepare("INSERT INTO exchange_log (spend_id, issuer, expires_at, spent_at) VALUES (?, 'me', 100, 50)").run(Buffer.alloc(32, 2));
  db.close();
  return dir;
}

describe('store schema migrations', () => {
  it('numbers migrations 1, 2, 3, ... without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST).toBe(4);
  });

  it('migrates a version-2 store to the newest and keeps its data', () => {
    const dir = previousVersionStore();
    const store = new Store(dir);
    try {
      expect(store.schemaVersion).toBe(LATEST);
      expect((store.db.prepare('SELECT version FROM schema_version ORDER BY version').all() as Array<{ version: number }>).map((r) => r.version)).toEqual([1, 2, 3, 4]);
      const s = store.sessionById(1)!;
      expect(s).toMatchObject({ mode: 'tickets', credit: 5n, work: 7n, shares: 3, issued: 1 });
      expect(store.db.prepare('SELECT count FROM issued').get()).toEqual({ count: 4 });
      expect(store.meta('solo.tip')).toBe('{"prevhash":"ab","height":9}');
      expect(store.db.prepare('SELECT issuer FROM exchange_log').get()).toEqual({ issuer: 'me' });
      // The new tables exist and start empty: counting begins at the first start with them.
      expect(store.earnings.all()).toEqual([]);
      expect(store.db.prepare('SELECT COUNT(*) AS n FROM dashboard_history').get()).toEqual({ n: 0 });
    } finally {
      store.close();
    }
    // Opening it again applies nothing twice.
    const again = new Store(dir);
    expect(again.schemaVersion).toBe(LATEST);
    expect(again.db.prepare('SELECT COUNT(*) AS n FROM schema_version').get()).toEqual({ n: LATEST });
    again.close();
  });

  it('migration 4 gives sessions their algorithm column, moving the interim meta rows into it', () => {
    const dir = tempDir();
    dirs.push(dir);
    const db = new Database(join(dir, 'relay.sqlite'));
    expect(migrate(db, MIGRATIONS.filter((m) => m.version <= 3))).toBe(3);
    const insert = db.prepare("INSERT INTO sessions (token_hash, mode, created_at, last_seen) VALUES (?, 'tickets', 1, 1)");
    for (let i = 1; i <= 3; i++) insert.run(Buffer.alloc(32, i));
    db.prepare("INSERT INTO meta (name, value) VALUES ('session.algo.1', 'scrypt'), ('session.algo.3', 'md5'), ('solo.tip', 'x')").run();
    db.close();
    const store = new Store(dir);
    try {
      // Session 1 had a record; 2 had none and 3 a bad one: both count as the WebSocket listener's.
      expect([1, 2, 3].map((id) => store.sessionAlgo(id))).toEqual(['scrypt', null, null]);
      expect(store.db.prepare("SELECT name FROM meta ORDER BY name").all()).toEqual([{ name: 'solo.tip' }]);
      const id = store.createSession('new-token', 'donation', 5, 'x11');
      expect(store.sessionAlgo(id)).toBe('x11');
      expect(() => store.createSession('other', 'tickets', 5, 'md5' as never)).toThrow(InputError);
      expect(() => store.db.prepare("UPDATE sessions SET algo = 'md5' WHERE id = 1").run()).toThrow(/CHECK/);
    } finally {
      store.close();
    }
  });

  it('refuses a store newer than this code with a SchemaVersionError, and leaves it as it was', () => {
    const dir = tempDir();
    dirs.push(dir);
    new Store(dir).close();
    const db = new Database(join(dir, 'relay.sqlite'));
    db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, 1)').run(LATEST + 1);
    db.close();
    let err: unknown;
    try {
      new Store(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SchemaVersionError);
    expect(err).toBeInstanceOf(InputError);
    expect((err as SchemaVersionError).message).toContain(`database schema version ${LATEST + 1} is newer than this relay (${LATEST})`);
    expect(err).toMatchObject({ found: LATEST + 1, known: LATEST });
    const after = new Database(join(dir, 'relay.sqlite'));
    expect(after.prepare('SELECT MAX(version) AS v FROM schema_version').get()).toEqual({ v: LATEST + 1 });
    after.close();
  });

  it('makes `workpass relay` on a newer store print that and exit 2, before listening on anything', async () => {
    const dir = tempDir();
    dirs.push(dir);
    new Store(dir).close();
    const db = new Database(join(dir, 'relay.sqlite'));
    db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (9, 1)').run();
    db.close();
    const run = fileURLToPath(new URL('./fixtures/run-relay.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', run, '--ws', '127.0.0.1:0', '--stratum', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data-dir', dir, '--log-level', 'silent'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const code = await new Promise<number | null>((r) => child.once('close', (c) => r(c)));
    expect(code).toBe(2);
    expect(out).toBe(`workpass relay: data-dir: database schema version 9 is newer than this relay (${LATEST}): run the newer workpass, or use another --data-dir\n`);
  }, 30_000);

  it('rolls a failing migration back whole: its version is not recorded and its tables do not exist', () => {
    const db = new Database(':memory:');
    migrate(db);
    const broken = [...MIGRATIONS, { version: LATEST + 1, sql: 'CREATE TABLE half_done (x INTEGER); INSERT INTO no_such_table VALUES (1);' }];
    expect(() => migrate(db, broken)).toThrow(/no_such_table/);
    expect(db.prepare('SELECT MAX(version) AS v FROM schema_version').get()).toEqual({ v: LATEST });
    expect(db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half_done'").get()).toEqual({ n: 0 });
    expect(() => migrate(db, [])).toThrow(RangeError);
    db.close();
  });
});

describe('earnings counters (migration 3)', () => {
  it('add up, keep `since` from the first count, survive reopening, and say what this process counted', () => {
    const dir = tempDir();
    dirs.push(dir);
    const a = new Store(dir);
    a.earnings.open('sha256d', 1000);
    a.earnings.open('sha256d', 5000);
    a.db.transaction(() => a.earnings.addAccepted('sha256d', 3, 0.25, 2000))();
    a.earnings.addUpstream('sha256d', 'forwarded', 64, 2100);
    a.earnings.addUpstream('sha256d', 'accepted', 64, 2200);
    a.earnings.addUpstream('sha256d', 'rejected', 64, 2300);
    a.earnings.addBlock('scrypt', 2400);
    expect(a.earnings.get('sha256d')).toEqual({
      algo: 'sha256d', accepted: 3, work: 0.25, forwarded: 1, upstreamAccepted: 1, upstreamRejected: 1, upstreamWork: 64, blocks: 0, since: 1000, updatedAt: 2300,
    });
    expect(a.earnings.get('scrypt')).toMatchObject({ blocks: 1, since: 2400 });
    expect(a.earnings.sinceOpen('sha256d')).toMatchObject({ accepted: 3, upstreamWork: 64 });
    a.close();

    const b = new Store(dir);
    expect(b.earnings.get('sha256d')).toMatchObject({ accepted: 3, upstreamWork: 64, since: 1000 });
    expect(b.earnings.sinceOpen('sha256d')).toMatchObject({ accepted: 0, upstreamWork: 0 });
    b.earnings.addAccepted('sha256d', 2, 0.5, 3000);
    expect(b.earnings.sinceOpen('sha256d')).toMatchObject({ accepted: 2, work: 0.5 });
    expect(b.earnings.get('sha256d')).toMatchObject({ accepted: 5, work: 0.75 });
    expect(b.earnings.sinceOpen('x11')).toMatchObject({ accepted: 0, blocks: 0 });
    b.close();
  });

  it('refuses bad input with an InputError and changes nothing', () => {
    const dir = tempDir();
    dirs.push(dir);
    const s = new Store(dir);
    s.earnings.open('sha256d', 1);
    const before = s.earnings.all();
    const bad: Array<() => void> = [
      () => s.earnings.addAccepted('', 1, 1, 1),
      () => s.earnings.addAccepted("sha256d'; DROP TABLE earnings; --", 1, 1, 1),
      () => s.earnings.addAccepted('sha256d', -1, 1, 1),
      () => s.earnings.addAccepted('sha256d', 1.5, 1, 1),
      () => s.earnings.addAccepted('sha256d', 1, NaN, 1),
      () => s.earnings.addAccepted('sha256d', 1, -0.1, 1),
      () => s.earnings.addAccepted('sha256d', 1, 1, -5),
      () => s.earnings.addUpstream('sha256d', 'paid' as 'accepted', 1, 1),
      () => s.earnings.addUpstream('sha256d', 'accepted', Infinity, 1),
      () => s.earnings.addBlock('sha256d', NaN),
      () => s.earnings.open(42 as unknown as string, 1),
    ];
    for (const f of bad) expect(f).toThrow(InputError);
    expect(s.earnings.all()).toEqual(before);
    s.close();
  });

  it('rejects a negative count at the table too (CHECK), should a bad value ever get past the checks', () => {
    const dir = tempDir();
    dirs.push(dir);
    const s = new Store(dir);
    s.earnings.open('sha256d', 1);
    expect(() => s.db.prepare("UPDATE earnings SET accepted = -1 WHERE algo = 'sha256d'").run()).toThrow(/CHECK/);
    s.close();
  });
});
