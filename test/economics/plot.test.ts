import { describe, expect, it } from 'vitest';
import { plotSvg } from '../../src/core/economics/index.js';
import { InputError } from '../../src/core/util/errors.js';
import { parseXml } from './xml.js';

describe('plotSvg', () => {
  it('is well-formed XML with an svg root, three polylines, axes and a legend', () => {
    const tags = parseXml(plotSvg({ role: 'any', revenueCentsPerDay: 36 }));
    expect(tags[0]!.name).toBe('svg');
    expect(tags[0]!.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    const lines = tags.filter((t) => t.name === 'polyline');
    expect(lines.map((l) => l.attributes['data-series'])).toEqual(['income', 'cost', 'profit']);
    for (const l of lines) {
      const pts = l.attributes.points!.split(' ').map((p) => p.split(',').map(Number));
      expect(pts.length).toBeGreaterThan(200);
      for (const [x, y] of pts) expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
      // x increases: bandwidth on a log axis from left to right
      for (let i = 1; i < pts.length; i++) expect(pts[i]![0]!).toBeGreaterThanOrEqual(pts[i - 1]![0]!);
    }
    expect(tags.filter((t) => t.name === 'text').length).toBeGreaterThan(10);
  });

  it('has no scripts or external references', () => {
    const svg = plotSvg();
    expect(svg).not.toMatch(/<script|href=|url\(/i);
  });

  it('the detector itself rejects malformed XML', () => {
    expect(() => parseXml('<svg><polyline></svg>')).toThrow();
  });

  it('rejects bad ranges and sizes', () => {
    expect(() => plotSvg({}, { from: 0 })).toThrow(InputError);
    expect(() => plotSvg({}, { from: 100, to: 50 })).toThrow(InputError);
    expect(() => plotSvg({}, { width: 10 })).toThrow(InputError);
    expect(() => plotSvg({ cpuShare: 3 })).toThrow(InputError);
  });
});
