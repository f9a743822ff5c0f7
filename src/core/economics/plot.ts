import { InputError } from '../util/errors.js';
import { economicsParams, relayEconomics, type EconomicsParams } from './model.js';

/**
 * Income, cost and profit (USD/month) against consensus bandwidth on a log x axis, like the
 * paper's Figures 2-5, as a self-contained SVG document: axes, ticks, labels, legend, no scripts
 * and no external references.
 */
export interface PlotOptions {
  /** Bandwidth range in KB/s (log axis): default 100 to 300,000. */
  from?: number;
  to?: number;
  width?: number;
  height?: number;
  /** Samples per series (besides the rent-tier edges). */
  samples?: number;
}

const COLORS = { income: '#2e8b3a', cost: '#1f5fbf', profit: '#c62828' } as const;
type Series = keyof typeof COLORS;

export function plotSvg(overrides: Partial<EconomicsParams> = {}, options: PlotOptions = {}): string {
  const params = economicsParams(overrides);
  const from = options.from ?? 100;
  const to = options.to ?? 300_000;
  const width = options.width ?? 760;
  const height = options.height ?? 460;
  const samples = options.samples ?? 240;
  if (!Number.isFinite(from) || from <= 0) throw new InputError('from', 'expected a finite bandwidth > 0');
  if (!Number.isFinite(to) || to <= from || to / from > 1e12) throw new InputError('to', 'expected a finite bandwidth above `from` (at most 12 decades)');
  if (!Number.isInteger(width) || width < 200 || width > 10_000) throw new InputError('width', 'expected an integer in [200, 10000]');
  if (!Number.isInteger(height) || height < 150 || height > 10_000) throw new InputError('height', 'expected an integer in [150, 10000]');
  if (!Number.isInteger(samples) || samples < 2 || samples > 10_000) throw new InputError('samples', 'expected an integer in [2, 10000]');

  // sample log-evenly, plus both sides of each rent-tier edge so the cost steps are vertical
  const xs = new Set<number>();
  for (let i = 0; i < samples; i++) xs.add(from * (to / from) ** (i / (samples - 1)));
  for (const t of params.rentTiers) {
    if (t.below !== undefined && t.below > from && t.below < to) {
      xs.add(t.below * (1 - 1e-9));
      xs.add(t.below);
    }
  }
  const points = [...xs].sort((a, b) => a - b).map((w) => ({ w, ...relayEconomics(w, params) }));

  const m = { left: 84, right: 24, top: 48, bottom: 64 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const values = points.flatMap((p) => [p.income, p.cost, p.profit]);
  const [yLo, yHi, yStep] = niceRange(Math.min(0, ...values), Math.max(0, ...values));
  const lx = (w: number): number => m.left + (Math.log10(w / from) / Math.log10(to / from)) * pw;
  const ly = (v: number): number => m.top + ((yHi - v) / (yHi - yLo)) * ph;
  const f = (n: number): string => n.toFixed(2);

  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  const title = `Relay income, cost and profit per month (${params.role === 'exit' ? 'exit' : `any of ${params.hops} hops`}, ` +
    `${params.revenueCentsPerDay} cents per client-day, CPU share ${params.cpuShare})`;
  out.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`);

  // grid and y ticks
  for (let v = yLo; v <= yHi + yStep / 2; v += yStep) {
    const y = f(ly(v));
    out.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatNumber(v))}</text>`);
  }
  // x ticks at powers of ten, minor ticks at 2..9
  for (let d = Math.floor(Math.log10(from)); d <= Math.ceil(Math.log10(to)); d++) {
    for (let k = 1; k < 10; k++) {
      const w = k * 10 ** d;
      if (w < from * (1 - 1e-12) || w > to * (1 + 1e-12)) continue;
      const x = f(lx(w));
      if (k === 1) {
        out.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + ph}" stroke="#e4e4e4"/>`);
        out.push(`<text x="${x}" y="${m.top + ph + 18}" text-anchor="middle">${escapeXml(formatNumber(w))}</text>`);
      }
      out.push(`<line x1="${x}" y1="${m.top + ph}" x2="${x}" y2="${m.top + ph + (k === 1 ? 6 : 3)}" stroke="#333333"/>`);
    }
  }
  // axes and the zero line
  out.push(`<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + ph}" stroke="#333333"/>`);
  out.push(`<line x1="${m.left}" y1="${m.top + ph}" x2="${m.left + pw}" y2="${m.top + ph}" stroke="#333333"/>`);
  out.push(`<line x1="${m.left}" y1="${f(ly(0))}" x2="${m.left + pw}" y2="${f(ly(0))}" stroke="#777777" stroke-dasharray="4 3"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${height - 18}" text-anchor="middle">consensus bandwidth (KB/s, log scale)</text>`);
  out.push(`<text x="18" y="${m.top + ph / 2}" text-anchor="middle" transform="rotate(-90 18 ${m.top + ph / 2})">USD per month</text>`);

  // the three series
  for (const s of Object.keys(COLORS) as Series[]) {
    const pts = points.map((p) => `${f(lx(p.w))},${f(ly(p[s]))}`).join(' ');
    out.push(`<polyline data-series="${s}" fill="none" stroke="${COLORS[s]}" stroke-width="2" points="${pts}"/>`);
  }
  // legend
  (Object.keys(COLORS) as Series[]).forEach((s, i) => {
    const y = m.top + 14 + i * 18;
    out.push(`<line x1="${m.left + 12}" y1="${y}" x2="${m.left + 36}" y2="${y}" stroke="${COLORS[s]}" stroke-width="2"/>`);
    out.push(`<text x="${m.left + 42}" y="${y}" dominant-baseline="middle">${s}</text>`);
  });
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}

/** Bounds and step of a y axis with about six ticks at 1, 2 or 5 times a power of ten. */
function niceRange(lo: number, hi: number): [number, number, number] {
  const span = hi - lo || 1;
  const raw = span / 6;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw)!;
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step];
}

function formatNumber(v: number): string {
  const r = Math.round(v * 100) / 100;
  return (Object.is(r, -0) ? 0 : r).toLocaleString('en-US');
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
