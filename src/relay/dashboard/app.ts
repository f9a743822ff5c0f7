/**
 * The dashboard page's script. It is served as this function's source text (page.ts), so it must
 * not use anything from outside its own body: no imports, no module-level names.
 *
 * It takes the token from the URL fragment (#token=..., never sent over the wire by the browser),
 * keeps it in sessionStorage, removes it from the address bar, and polls GET /api/snapshot every
 * two seconds with `Authorization: Bearer <token>`. Charts are drawn as SVG by the helpers below.
 * All text goes in through textContent: nothing from the snapshot is parsed as HTML.
 */
export function dashboardApp(): void {
  type Series = { name: string; color: string; values: number[] };
  type Snap = {
    name: string; algo: string; uptimeSeconds: number; now: number; sessions: number; hashRate: number;
    shares: { accepted: number; rejected: Record<string, number> };
    upstream: { kind: string; state: string; accepted: number; rejected: number; forwarded: number; blocks: number; poolDifficulty: number | null };
    tickets: { issued: number; spent: number; days: Array<{ day: string; issued: number; spent: number; expired: number | null }> };
    htb: Array<{ name: string; parent: string | null; leaf: boolean; rate: number; ceil: number; now: number; sentBytes: number; queuedBytes: number; mode: string }> | null;
    partners: Array<{ publicKey: string; url: string; served: number; paid: number; conflicts: number; unpaid: number; trustLimit: number; accepting: boolean }>;
    estimate: {
      mode: 'pool' | 'solo'; earned: number; earnedPerMonth: number; units: number; uptimeSeconds: number; since: number; periodSeconds: number;
      run: { earned: number; units: number; uptimeSeconds: number };
      model: { incomePerMonth: number; costPerMonth: number; profitPerMonth: number; predicted: number } | null;
      inputs: { bandwidthKBps: number | null; role: string; revenueCentsPerDay: number; usdPerShare: number; usdPerBlock: number };
    };
    totals: { since: number; algos: Record<string, { accepted: number; forwarded: number; upstreamAccepted: number; blocks: number }> };
    history: {
      range: string; resolutionMs: number; keepMs: number; t: number[]; ms: number[]; sessions: number[]; hashRate: Record<string, number[]>;
      accepted: number[]; rejected: number[]; forwarded: number[]; upstreamAccepted: number[]; htb: Record<string, number[]>;
    };
    series: {
      intervalMs: number; t: number[]; sessions: number[]; hashRate: Record<string, number[]>; accepted: number[]; rejected: number[];
      forwarded: number[]; upstreamAccepted: number[]; htb: Record<string, number[]>;
    };
  };

  const SVG_NS = 'http://www.w3.org/2000/svg';
  const COLORS = ['var(--c1)', 'var(--c2)', 'var(--c3)', 'var(--c4)', 'var(--c5)', 'var(--c6)'];
  const TOKEN_KEY = 'workpass-dashboard-token';
  const byId = (id: string): HTMLElement => {
    const el = document.getElementById(id);
    if (el === null) throw new Error(`no element #${id}`);
    return el;
  };
  const setText = (id: string, text: string) => {
    byId(id).textContent = text;
  };

  const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const fmtInt = (n: number) => intFmt.format(n);
  /** Axis labels of count charts: grid lines fall on halves when the scale is small. */
  const fmtCount = (n: number) => (Number.isInteger(n) ? intFmt.format(n) : n.toFixed(1));
  const scaled = (v: number, units: string[], step: number) => {
    let i = 0;
    while (Math.abs(v) >= step && i < units.length - 1) {
      v /= step;
      i++;
    }
    return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2)} ${units[i]}`;
  };
  const fmtHash = (v: number) => scaled(v, ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s', 'PH/s'], 1000);
  const fmtBytes = (v: number) => scaled(v, ['B/s', 'kB/s', 'MB/s', 'GB/s'], 1000);
  const fmtSize = (v: number) => scaled(v, ['B', 'kB', 'MB', 'GB'], 1000);
  const fmtUsd = (v: number): string => (v < 0 ? `\u2212${fmtUsd(-v)}` : v === 0 ? '$0' : v < 0.01 ? `$${v.toPrecision(3)}` : `$${v.toFixed(2)}`);
  const fmtSince = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const fmtDuration = (s: number) => {
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    return d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min` : `${Math.floor(s)} s`;
  };

  function svgEl(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
    const el = document.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function legend(after: Element, series: Array<{ name: string; color: string }>): void {
    let box = after.nextElementSibling;
    if (box === null || !box.classList.contains('legend')) {
      box = document.createElement('div');
      box.className = 'legend';
      after.after(box);
    }
    box.replaceChildren(
      ...series.map((s) => {
        const item = document.createElement('span');
        const swatch = document.createElement('i');
        swatch.style.background = s.color;
        item.append(swatch, s.name);
        return item;
      }),
    );
  }

  /** Axes frame shared by both chart kinds: horizontal grid lines with y labels, returns the plot box. */
  function frame(svg: SVGSVGElement, yMax: number, fmt: (v: number) => string) {
    const width = Math.max(300, Math.round(svg.clientWidth || 600));
    const height = 180;
    svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    svg.replaceChildren();
    const box = { left: 64, right: width - 8, top: 8, bottom: height - 20 };
    for (const f of [0, 0.5, 1]) {
      const y = box.bottom - f * (box.bottom - box.top);
      svg.append(svgEl('line', { class: 'grid-line', x1: box.left, x2: box.right, y1: y, y2: y }));
      svg.append(svgEl('text', { x: box.left - 6, y: y + 3, 'text-anchor': 'end' }, fmt(f * yMax)));
    }
    return { box, y: (v: number) => box.bottom - (v / yMax) * (box.bottom - box.top) };
  }

  function niceMax(values: number[]): number {
    const max = Math.max(0, ...values.filter((v) => Number.isFinite(v)));
    if (max === 0) return 1;
    const p = 10 ** Math.floor(Math.log10(max));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max) return m * p;
    return 10 * p;
  }

  function lineChart(svg: SVGSVGElement, t: number[], series: Series[], fmt: (v: number) => string): void {
    const yMax = niceMax(series.flatMap((s) => s.values));
    const { box, y } = frame(svg, yMax, fmt);
    legend(svg, series);
    if (t.length < 2) {
      svg.append(svgEl('text', { class: 'empty', x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2, 'text-anchor': 'middle' }, 'collecting samples…'));
      return;
    }
    const t0 = t[0]!, t1 = t[t.length - 1]!;
    const x = (tv: number) => box.left + ((tv - t0) / Math.max(1, t1 - t0)) * (box.right - box.left);
    for (const [tv, anchor] of [[t0, 'start'], [(t0 + t1) / 2, 'middle'], [t1, 'end']] as const) {
      const ago = Math.round((t1 - tv) / 60_000);
      const label = tv === t1 ? 'now' : ago === 0 ? `-${Math.round((t1 - tv) / 1000)} s` : ago < 120 ? `-${ago} min` : ago < 2880 ? `-${Math.round(ago / 60)} h` : `-${Math.round(ago / 1440)} d`;
      svg.append(svgEl('text', { x: x(tv), y: box.bottom + 14, 'text-anchor': anchor }, label));
    }
    for (const s of series) {
      const d = s.values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(t[i]!).toFixed(1)},${y(Number.isFinite(v) ? v : 0).toFixed(1)}`).join('');
      svg.append(svgEl('path', { class: 'line', d, stroke: s.color, 'data-series': s.name }));
    }
  }

  function barChart(svg: SVGSVGElement, labels: string[], series: Series[], fmt: (v: number) => string): void {
    const yMax = niceMax(series.flatMap((s) => s.values));
    const { box, y } = frame(svg, yMax, fmt);
    legend(svg, series);
    const slot = (box.right - box.left) / Math.max(1, labels.length);
    const bar = Math.max(2, (slot * 0.8) / series.length);
    labels.forEach((label, i) => {
      const x0 = box.left + i * slot + slot * 0.1;
      series.forEach((s, j) => {
        const v = s.values[i] ?? 0;
        const top = y(v);
        svg.append(svgEl('rect', { class: 'bar', x: x0 + j * bar, y: top, width: Math.max(1, bar - 1), height: Math.max(0, box.bottom - top), fill: s.color, 'data-series': s.name, 'data-value': v }));
      });
      if (labels.length <= 8 || i % 2 === labels.length % 2) {
        svg.append(svgEl('text', { x: box.left + i * slot + slot / 2, y: box.bottom + 14, 'text-anchor': 'middle' }, label));
      }
    });
  }

  function table(id: string, head: string[], rows: Array<Array<string | { text: string; cls: string }>>, empty: string): void {
    const el = byId(id);
    const tr = (cells: Array<string | { text: string; cls: string }>, tag: 'td' | 'th') => {
      const row = document.createElement('tr');
      for (const c of cells) {
        const cell = document.createElement(tag);
        if (typeof c === 'string') cell.textContent = c;
        else {
          cell.textContent = c.text;
          cell.className = c.cls;
        }
        row.append(cell);
      }
      return row;
    };
    if (rows.length === 0) {
      const row = document.createElement('tr');
      const cell = document.createElement('td');
      cell.className = 'muted';
      cell.textContent = empty;
      row.append(cell);
      el.replaceChildren(row);
      return;
    }
    el.replaceChildren(tr(head, 'th'), ...rows.map((r) => tr(r, 'td')));
  }

  /** The chart range: '1h' (the stored history, then the live samples) or '24h' / '7d' (stored history). */
  let range = '1h';
  const perMinute = (count: number, ms: number) => (ms > 0 ? (count * 60_000) / ms : 0);

  /**
   * The columns the charts draw. Gauges at `t`; counts as per-minute rates at `tRate`: from the
   * stored points' counts over their span, and from the live ring's cumulative counters differenced.
   */
  function chartData(s: Snap) {
    const h = s.history;
    const r = range === '1h' ? s.series : { t: [] as number[], sessions: [] as number[], hashRate: {} as Record<string, number[]>, accepted: [] as number[], rejected: [] as number[], forwarded: [] as number[], upstreamAccepted: [] as number[], htb: {} as Record<string, number[]> };
    const cut = r.t.length > 0 ? r.t[0]! : Infinity;
    const idx = h.t.flatMap((tv, i) => (tv < cut ? [i] : []));
    const gauge = (hv: number[] | undefined, rv: number[] | undefined) => [...idx.map((i) => hv?.[i] ?? 0), ...(rv ?? [])];
    const rate = (hv: number[], rv: number[]) => [
      ...idx.map((i) => perMinute(hv[i] ?? 0, h.ms[i] ?? 0)),
      ...rv.slice(1).map((v, j) => perMinute(Math.max(0, v - rv[j]!), r.t[j + 1]! - r.t[j]!)),
    ];
    const ht = idx.map((i) => h.t[i]!);
    const names = (a: Record<string, number[]>, b: Record<string, number[]>) => [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return {
      t: [...ht, ...r.t],
      tRate: [...ht, ...r.t.slice(1)],
      sessions: gauge(h.sessions, r.sessions),
      hashRate: Object.fromEntries(names(h.hashRate, r.hashRate).map((n) => [n, gauge(h.hashRate[n], r.hashRate[n])])),
      accepted: rate(h.accepted, r.accepted),
      rejected: rate(h.rejected, r.rejected),
      forwarded: rate(h.forwarded, r.forwarded),
      upstreamAccepted: rate(h.upstreamAccepted, r.upstreamAccepted),
      htb: Object.fromEntries(names(h.htb, r.htb).map((n) => [n, gauge(h.htb[n], r.htb[n])])),
    };
  }

  function renderEstimate(s: Snap): void {
    const e = s.estimate;
    const box = byId('estimate');
    const block = (label: string, value: string, note: string, id: string) => {
      const div = document.createElement('div');
      const l = document.createElement('div');
      l.className = 'muted';
      l.textContent = label;
      const v = document.createElement('div');
      v.className = 'big';
      v.id = id;
      v.textContent = value;
      const n = document.createElement('div');
      n.className = 'muted';
      n.textContent = note;
      div.append(l, v, n);
      return div;
    };
    const basis = e.mode === 'solo'
      ? `${fmtInt(e.units)} blocks found × ${fmtUsd(e.inputs.usdPerBlock)} (dashboard.usdPerBlock)`
      : `${e.units.toPrecision(4)} difficulty-1 shares accepted upstream × ${fmtUsd(e.inputs.usdPerShare)} (dashboard.usdPerShare)`;
    const run = `; this run: ${fmtUsd(e.run.earned)} in ${fmtDuration(e.run.uptimeSeconds)}`;
    const parts = [block(`Earned since ${fmtSince(e.since)} (${fmtDuration(e.periodSeconds)})`, fmtUsd(e.earned), basis + run, 'v-earned')];
    parts.push(block('At this pace, per month', fmtUsd(e.earnedPerMonth), 'earned since then, scaled to 30 days', 'v-pace'));
    if (e.model === null) {
      parts.push(block("Model's prediction", '—', 'set dashboard.bandwidthKBps (the relay\u2019s consensus bandwidth) to compare', 'v-predicted'));
    } else {
      const m = e.model;
      parts.push(block("Model's prediction, same period", fmtUsd(m.predicted), `${fmtUsd(m.incomePerMonth)} income per month for ${fmtInt(e.inputs.bandwidthKBps ?? 0)} KB/s as ${e.inputs.role}, ${e.inputs.revenueCentsPerDay} ¢ per client-day`, 'v-predicted'));
      const profit = block('Model: cost and profit per month', `${fmtUsd(m.profitPerMonth)}`, `cost ${fmtUsd(m.costPerMonth)} (rent and traffic)`, 'v-profit');
      profit.querySelector('.big')!.classList.add(m.profitPerMonth >= 0 ? 'good' : 'bad');
      parts.push(profit);
      const cmp = document.createElement('div');
      cmp.className = 'cmp bars';
      const max = Math.max(e.earnedPerMonth, m.incomePerMonth, 1e-12);
      for (const [label, v, color] of [['actual pace', e.earnedPerMonth, 'var(--c2)'], ['model income', m.incomePerMonth, 'var(--c1)']] as const) {
        const row = document.createElement('div');
        row.className = 'row';
        const name = document.createElement('span');
        name.textContent = label;
        const track = document.createElement('div');
        track.className = 'track';
        const fill = document.createElement('div');
        fill.className = 'fill';
        fill.style.width = `${(100 * v) / max}%`;
        fill.style.background = color;
        track.append(fill);
        const n = document.createElement('span');
        n.className = 'n';
        n.textContent = fmtUsd(v);
        row.append(name, track, n);
        cmp.append(row);
      }
      parts.push(cmp);
    }
    box.className = 'estimate';
    box.replaceChildren(...parts);
  }

  function render(s: Snap): void {
    setText('name', s.name);
    setText('algo', s.algo);
    setText('algo2', s.algo);
    const up = byId('upstream');
    up.textContent = `${s.upstream.kind} · ${s.upstream.state}`;
    up.className = `pill ${s.upstream.state === 'ready' ? 'ok' : 'down'}`;
    setText('uptime', fmtDuration(s.uptimeSeconds));
    setText('updated', new Date(s.now).toLocaleTimeString());
    setText('v-sessions', fmtInt(s.sessions));
    setText('v-hashrate', fmtHash(s.hashRate));
    setText('v-accepted', fmtInt(s.shares.accepted));
    setText('v-rejected', fmtInt(Object.values(s.shares.rejected).reduce((a, b) => a + b, 0)));
    setText('v-forwarded', fmtInt(s.upstream.forwarded));
    setText('l-upstream', s.upstream.kind === 'solo' ? 'Blocks found (solo)' : 'Accepted upstream');
    setText('v-upstream', fmtInt(s.upstream.kind === 'solo' ? s.upstream.blocks : s.upstream.accepted));
    const all = Object.values(s.totals.algos);
    const mine = s.totals.algos[s.algo];
    const since = ` since ${fmtSince(s.totals.since)}`;
    setText('s-accepted', fmtInt(all.reduce((a, t) => a + t.accepted, 0)) + since);
    setText('s-forwarded', fmtInt(mine?.forwarded ?? 0) + since);
    setText('s-upstream', fmtInt((s.upstream.kind === 'solo' ? mine?.blocks : mine?.upstreamAccepted) ?? 0) + since);
    setText('v-issued', fmtInt(s.tickets.issued));
    setText('v-spent', fmtInt(s.tickets.spent));

    const c = chartData(s);
    const t = c.t;
    lineChart(byId('c-hashrate') as unknown as SVGSVGElement, t, Object.entries(c.hashRate).map(([name, values], i) => ({ name, values, color: COLORS[i % COLORS.length]! })), fmtHash);
    lineChart(byId('c-sessions') as unknown as SVGSVGElement, t, [{ name: 'sessions', values: c.sessions, color: COLORS[0]! }], fmtCount);
    lineChart(byId('c-shares') as unknown as SVGSVGElement, c.tRate, [
      { name: 'accepted', values: c.accepted, color: COLORS[1]! },
      { name: 'rejected', values: c.rejected, color: COLORS[2]! },
    ], fmtCount);
    lineChart(byId('c-upstream') as unknown as SVGSVGElement, c.tRate, [
      { name: 'forwarded', values: c.forwarded, color: COLORS[0]! },
      { name: s.upstream.kind === 'solo' ? 'shares checked for a block (solo)' : 'accepted by the pool', values: c.upstreamAccepted, color: COLORS[1]! },
    ], fmtCount);

    const reasons = Object.entries(s.shares.rejected).sort((a, b) => b[1] - a[1]);
    const rbox = byId('reasons');
    if (reasons.length === 0) {
      const p = document.createElement('div');
      p.className = 'muted';
      p.textContent = 'no rejected shares';
      rbox.replaceChildren(p);
    } else {
      const max = Math.max(...reasons.map((r) => r[1]));
      rbox.replaceChildren(...reasons.map(([reason, n]) => {
        const row = document.createElement('div');
        row.className = 'row';
        row.dataset.reason = reason;
        const name = document.createElement('span');
        name.textContent = reason;
        const track = document.createElement('div');
        track.className = 'track';
        const fill = document.createElement('div');
        fill.className = 'fill';
        fill.style.width = `${(100 * n) / max}%`;
        track.append(fill);
        const v = document.createElement('span');
        v.className = 'n';
        v.textContent = fmtInt(n);
        row.append(name, track, v);
        return row;
      }));
    }

    const days = [...s.tickets.days].reverse();
    barChart(byId('c-tickets') as unknown as SVGSVGElement, days.map((d) => d.day.slice(5)), [
      { name: 'issued', values: days.map((d) => d.issued), color: COLORS[0]! },
      { name: 'spent', values: days.map((d) => d.spent), color: COLORS[1]! },
      { name: 'expired unspent', values: days.map((d) => d.expired ?? 0), color: COLORS[2]! },
    ], fmtCount);
    table('t-tickets', ['day', 'issued', 'spent here', 'expired unspent'],
      s.tickets.days.slice(0, 7).map((d) => [d.day, fmtInt(d.issued), fmtInt(d.spent), d.expired === null ? 'still valid' : fmtInt(d.expired)]), 'no tickets yet');

    const htbSvg = byId('c-htb') as unknown as SVGSVGElement;
    if (s.htb === null) {
      htbSvg.style.display = 'none';
      table('t-htb', [], [], 'no gateway running (start the relay with --gateway HOST:PORT --backend URL)');
    } else {
      htbSvg.style.display = '';
      const leaves = s.htb.filter((c) => c.leaf);
      lineChart(htbSvg, t, leaves.map((l, i) => ({ name: l.name, values: c.htb[l.name] ?? [], color: COLORS[i % COLORS.length]! })), fmtBytes);
      const parentOf = new Map(s.htb.map((c) => [c.name, c.parent]));
      const depth = (name: string): number => {
        const p = parentOf.get(name);
        return p === null || p === undefined ? 0 : 1 + depth(p);
      };
      table('t-htb', ['class', 'now /s', 'rate /s', 'ceil /s', 'queued', 'mode'], s.htb.map((c) => [
        '\u2003'.repeat(depth(c.name)) + c.name, fmtSize(c.now), fmtSize(c.rate), fmtSize(c.ceil), fmtSize(c.queuedBytes),
        { text: c.mode, cls: c.mode === 'red' ? 'bad' : c.mode === 'yellow' ? '' : 'good' },
      ]), 'no classes');
    }

    table('t-partners', ['partner key', 'url', 'served', 'paid', 'unpaid', 'limit', 'status'], s.partners.map((p) => [
      { text: p.publicKey, cls: 'mono' }, { text: p.url, cls: 'url' }, fmtInt(p.served), fmtInt(p.paid), fmtInt(p.unpaid), fmtInt(p.trustLimit),
      { text: p.accepting ? 'accepting' : 'over limit', cls: p.accepting ? 'good' : 'bad' },
    ]), 'no partner relays configured (exchange.partners)');

    renderEstimate(s);
    document.body.dataset.updated = String(s.now);
  }

  function notice(text: string | null): void {
    const el = byId('notice');
    el.hidden = text === null;
    el.textContent = text ?? '';
  }

  const fromFragment = /(?:^#|&)token=([A-Za-z0-9_-]{1,256})/.exec(location.hash);
  if (fromFragment !== null) {
    sessionStorage.setItem(TOKEN_KEY, fromFragment[1]!);
    history.replaceState(null, '', location.pathname);
  }
  const token = sessionStorage.getItem(TOKEN_KEY);

  /** Fetches and draws one snapshot; false when the token is missing or refused (polling stops). */
  async function load(): Promise<boolean> {
    if (token === null) {
      notice('No access token. Open the dashboard URL the relay printed at startup (dashboard http://127.0.0.1:PORT/#token=…); the token is also in dashboard.token in the data directory.');
      return false;
    }
    try {
      const res = await fetch(`/api/snapshot?history=${encodeURIComponent(range)}`, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
      if (res.status === 401) {
        notice('The access token was refused. Open the dashboard URL the relay printed at startup.');
        return false;
      }
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      render((await res.json()) as Snap);
      notice(null);
    } catch (err) {
      notice(`Cannot reach the relay daemon: ${String(err)}. Retrying…`);
    }
    return true;
  }

  async function poll(): Promise<void> {
    if (await load()) setTimeout(() => void poll(), 2000);
  }
  for (const b of document.querySelectorAll<HTMLButtonElement>('#range button')) {
    b.addEventListener('click', () => {
      range = b.dataset.range ?? '1h';
      for (const o of document.querySelectorAll<HTMLButtonElement>('#range button')) o.setAttribute('aria-pressed', String(o === b));
      void load();
    });
  }
  void poll();
}
