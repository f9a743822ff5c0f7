import { dashboardApp } from './app.js';

/**
 * The dashboard page: one HTML document, its stylesheet and its script, all served by the daemon
 * (no external assets; the CSP allows only 'self'). The script is `dashboardApp` from app.ts,
 * typechecked with the rest of the code and served as its source text.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark light">
<title>workpass relay dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head><body>
<header>
  <div class="brand"><span class="logo">&#9673;</span> <span id="name">workpass relay</span></div>
  <div class="meta"><span id="algo" class="pill"></span> <span id="upstream" class="pill"></span>
  <span class="muted">up <span id="uptime">-</span></span> <span class="muted">updated <span id="updated">-</span></span></div>
</header>
<div id="notice" class="notice" hidden></div>
<main id="main">
  <section class="tiles">
    <div class="tile"><div class="label">Connected sessions</div><div class="value" id="v-sessions">-</div></div>
    <div class="tile"><div class="label">Hash rate</div><div class="value" id="v-hashrate">-</div></div>
    <div class="tile"><div class="label">Shares accepted</div><div class="value" id="v-accepted">-</div><div class="sub" id="s-accepted"></div></div>
    <div class="tile"><div class="label">Shares rejected</div><div class="value" id="v-rejected">-</div></div>
    <div class="tile"><div class="label">Forwarded upstream</div><div class="value" id="v-forwarded">-</div><div class="sub" id="s-forwarded"></div></div>
    <div class="tile"><div class="label" id="l-upstream">Accepted upstream</div><div class="value" id="v-upstream">-</div><div class="sub" id="s-upstream"></div></div>
    <div class="tile"><div class="label">Tickets issued</div><div class="value" id="v-issued">-</div></div>
    <div class="tile"><div class="label">Tickets spent (remembered)</div><div class="value" id="v-spent">-</div></div>
  </section>
  <div class="range" id="range" role="group" aria-label="chart range">charts:
    <button type="button" data-range="1h" aria-pressed="true">1 h</button><button type="button" data-range="24h" aria-pressed="false">24 h</button><button type="button" data-range="7d" aria-pressed="false">7 d</button></div>
  <section class="grid">
    <article class="panel wide" id="p-estimate"><h2>Earnings: actual vs the paper's model</h2><div id="estimate"></div></article>
    <article class="panel"><h2>Hash rate <span class="muted" id="algo2"></span></h2><svg class="chart" id="c-hashrate" data-chart="hashrate"></svg></article>
    <article class="panel"><h2>Connected sessions</h2><svg class="chart" id="c-sessions" data-chart="sessions"></svg></article>
    <article class="panel"><h2>Shares per minute</h2><svg class="chart" id="c-shares" data-chart="shares"></svg>
      <h3>Rejected by reason, since start</h3><div id="reasons" class="bars"></div></article>
    <article class="panel"><h2>Upstream per minute: forwarded and accepted</h2><svg class="chart" id="c-upstream" data-chart="upstream"></svg></article>
    <article class="panel"><h2>Tickets per day</h2><svg class="chart" id="c-tickets" data-chart="tickets"></svg><table id="t-tickets"></table></article>
    <article class="panel"><h2>Priority traffic (HTB classes)</h2><svg class="chart" id="c-htb" data-chart="htb"></svg><table id="t-htb"></table></article>
    <article class="panel wide"><h2>Partner relays (Protocol 2)</h2><table id="t-partners"></table></article>
  </section>
</main>
<footer class="muted">Served by the relay daemon on loopback. Charts: 1 h is the live samples since the daemon started, the stored history (one point a minute) before that; 24 h and 7 d are the stored history. Tile totals and earnings are kept in the store across restarts.</footer>
</body></html>
`;

/**
 * esbuild with keepNames (tsx, some test runners) wraps functions in `__name(fn, "name")`, a helper
 * that lives in the module, not in the function's text: the served script defines a stand-in.
 */
export const APP_JS = `"use strict";\n(function () {\nconst __name = (fn) => fn;\n(${dashboardApp.toString()})();\n})();\n`;

export const APP_CSS = `
:root { --bg:#0f1419; --panel:#171d24; --line:#26303b; --text:#e6edf3; --muted:#8b98a5; --accent:#4cc2ff;
  --good:#3fb950; --bad:#f0883e; --warn:#d29922; --c1:#4cc2ff; --c2:#3fb950; --c3:#f0883e; --c4:#bc8cff; --c5:#ff7b9c; --c6:#d29922;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color-scheme: dark; }
@media (prefers-color-scheme: light) { :root { --bg:#f6f8fa; --panel:#ffffff; --line:#d8dee4; --text:#1f2328; --muted:#59636e;
  --accent:#0969da; --c1:#0969da; --c2:#1a7f37; --c3:#bc4c00; --c4:#8250df; --c5:#bf3989; --c6:#9a6700; color-scheme: light; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
header { display: flex; justify-content: space-between; align-items: center; padding: 14px 24px; border-bottom: 1px solid var(--line); flex-wrap: wrap; gap: 8px; }
.brand { font-size: 18px; font-weight: 600; } .logo { color: var(--accent); }
.meta { display: flex; gap: 14px; align-items: center; flex-wrap: wrap; }
.pill { border: 1px solid var(--line); border-radius: 999px; padding: 2px 10px; font-size: 12px; }
.pill.ok { border-color: var(--good); color: var(--good); } .pill.down { border-color: var(--bad); color: var(--bad); }
.muted { color: var(--muted); }
main { padding: 18px 24px; }
.notice { margin: 18px 24px 0; padding: 12px 16px; border: 1px solid var(--bad); border-radius: 8px; color: var(--bad); }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-bottom: 18px; }
.tile { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.tile .label, .tile .sub { color: var(--muted); font-size: 12px; } .tile .sub { margin-top: 2px; }
.range { display: flex; gap: 6px; align-items: center; justify-content: flex-end; margin: 0 0 12px; color: var(--muted); font-size: 12px; }
.range button { background: var(--panel); color: var(--text); border: 1px solid var(--line); border-radius: 6px; padding: 3px 10px; font: inherit; cursor: pointer; }
.range button[aria-pressed=true] { border-color: var(--accent); color: var(--accent); } .tile .value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; margin-top: 4px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; align-items: start; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; min-width: 0; overflow-x: auto; }
.panel.wide { grid-column: 1 / -1; }
h2 { font-size: 14px; font-weight: 600; margin: 0 0 10px; }
h3 { font-size: 12px; font-weight: 500; color: var(--muted); margin: 12px 0 4px; }
svg.chart { width: 100%; height: 180px; display: block; }
svg text { fill: var(--muted); font-size: 10px; font-variant-numeric: tabular-nums; }
svg .grid-line { stroke: var(--line); stroke-width: 1; }
svg .line { fill: none; stroke-width: 1.8; stroke-linejoin: round; }
svg .empty { fill: var(--muted); font-size: 12px; }
table { width: 100%; border-collapse: collapse; margin-top: 8px; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 4px 5px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th:first-child, td:first-child { text-align: left; } th { color: var(--muted); font-weight: 500; font-size: 12px; }
td.mono { font-family: ui-monospace, monospace; font-size: 12px; }
.bars .row { display: grid; grid-template-columns: 130px 1fr 60px; gap: 8px; align-items: center; margin: 6px 0; }
.bars .track { background: var(--line); border-radius: 4px; height: 10px; overflow: hidden; }
.bars .fill { background: var(--c3); height: 100%; }
.bars .n { text-align: right; font-variant-numeric: tabular-nums; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 12px; color: var(--muted); margin-top: 4px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; }
.estimate { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 16px; align-items: start; }
.estimate .big { font-size: 26px; font-weight: 600; font-variant-numeric: tabular-nums; }
.estimate .cmp { grid-column: 1 / -1; }
.good { color: var(--good); } .bad { color: var(--bad); }
footer { padding: 12px 24px 24px; font-size: 12px; }
`;
