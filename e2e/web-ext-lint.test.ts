// The Firefox build passes addons-linter (web-ext lint) with no errors and no warnings.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firefoxExtensionDir, repoRoot, requireBuilt } from './lib/paths.js';

describe('web-ext lint on dist/firefox', () => {
  it('reports no errors and no warnings', () => {
    requireBuilt(firefoxExtensionDir);
    const webExt = join(repoRoot, 'node_modules', 'web-ext', 'bin', 'web-ext.js');
    const r = spawnSync(process.execPath, [webExt, 'lint', '--source-dir', firefoxExtensionDir, '--output', 'json', '--no-config-discovery'], {
      encoding: 'utf8', timeout: 120_000,
    });
    const start = r.stdout.indexOf('{');
    const report = JSON.parse(r.stdout.slice(start)) as { summary: { errors: number; warnings: number }; errors: unknown[]; warnings: unknown[] };
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.summary).toMatchObject({ errors: 0, warnings: 0 });
  });
});
