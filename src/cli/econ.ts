import { writeFile } from 'node:fs/promises';
import { economicsParams, relayEconomics, type EconomicsParams, type RentTier } from '../core/economics/model.js';
import { plotSvg } from '../core/economics/plot.js';
import { InputError } from '../core/util/errors.js';
import { parseArgs, UsageError, type Command } from './usage.js';

/** Numeric flags and the model parameter each sets. */
const NUMERIC: Record<string, keyof EconomicsParams> = {
  revenue: 'revenueCentsPerDay',
  'cpu-share': 'cpuShare',
  clients: 'dailyClients',
  'session-hours': 'sessionHours',
  hops: 'hops',
  'total-exit-weight': 'totalExitWeight',
  'total-weight': 'totalWeight',
  'days-per-month': 'daysPerMonth',
  'included-tb': 'includedTB',
  'extra-tb-eur': 'eurPerExtraTB',
  'bytes-per-kb': 'bytesPerKB',
  'usd-per-eur': 'usdPerEur',
};

const USAGE = `usage: workpass econ --bandwidth KB/s [options]     the paper's profitability model (section 5.1)
       workpass econ --plot out.svg [options]     income, cost and profit against bandwidth

  --bandwidth KB/s          the relay's consensus bandwidth (weight)
  --role exit|any           paid as the exit (default), or evenly with the other hops of the circuit
  --revenue cents           what one client's CPU mines in 24 hours (default 3.8; the paper also uses 11, 36)
  --cpu-share f             fraction of the CPU spent mining (default 1; the paper calls 0.25 realistic)
  --clients n               daily clients who mine (default 500000)
  --session-hours h         hours a day each client mines (default 1)
  --hops n                  relays per circuit (default 3)
  --total-exit-weight KB/s  sum of exit weights (default calibrated: 9500000)
  --total-weight KB/s       sum of all weights (default calibrated: 29687500)
  --days-per-month d        (default 30)
  --rent-eur a,b,c          rent per month by tier (default 25,40,70)
  --rent-below x,y          tier bounds by consensus weight (default 15000,50000)
  --included-tb t           traffic included in the rent (default 10)
  --extra-tb-eur p          price per extra TB (default 2)
  --bytes-per-kb n          bytes in a consensus kilobyte (default 1000)
  --usd-per-eur r           exchange rate (default 1.3)
  --json                    print one line {"income","cost","profit"} in USD per month
  --plot file.svg           write the SVG plot (with --plot-from / --plot-to KB/s, default 100 / 300000)`;

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;

function num(flag: string, value: string | true | undefined): number {
  if (typeof value !== 'string' || !NUMBER_RE.test(value.trim())) throw new UsageError(`--${flag}: expected a number, got '${String(value)}'`);
  return Number(value);
}

function list(flag: string, value: string): number[] {
  return value.split(',').map((v) => num(flag, v));
}

function money(x: number): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function cents(x: number): number {
  return Math.round(x * 100) / 100 + 0;
}

/** Model parameters from the flags; model validation errors name the flag. */
function paramsFrom(flags: Map<string, string | true>): EconomicsParams {
  const o: Partial<EconomicsParams> = {};
  const flagOf = new Map<string, string>();
  for (const [flag, key] of Object.entries(NUMERIC)) {
    flagOf.set(key, flag);
    if (flags.has(flag)) (o as Record<string, number>)[key] = num(flag, flags.get(flag));
  }
  const role = flags.get('role');
  if (role !== undefined) {
    if (role !== 'exit' && role !== 'any') throw new UsageError(`--role: expected exit or any, got '${String(role)}'`);
    o.role = role;
  }
  if (flags.has('rent-eur') || flags.has('rent-below')) {
    const eur = flags.has('rent-eur') ? list('rent-eur', flags.get('rent-eur') as string) : [25, 40, 70];
    const below = flags.has('rent-below') ? list('rent-below', flags.get('rent-below') as string) : [15_000, 50_000];
    if (eur.length !== below.length + 1) throw new UsageError('--rent-eur needs one price more than --rent-below has bounds');
    o.rentTiers = eur.map((e, i): RentTier => (i < below.length ? { below: below[i]!, eur: e } : { eur: e }));
    flagOf.set('rentTiers', 'rent-eur/--rent-below');
  }
  try {
    return economicsParams(o);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const base = err.argument.replace(/\[.*$/, '');
    throw new UsageError(`--${flagOf.get(base) ?? base}: ${err.message.slice(err.argument.length + 2)}`);
  }
}

export const command: Command = {
  summary: "the paper's relay profitability model: workpass econ --bandwidth KB/s [--json] [--plot out.svg]",
  async run(args) {
    const { positionals, flags } = parseArgs(args, {
      strings: ['bandwidth', 'role', 'rent-eur', 'rent-below', 'plot', 'plot-from', 'plot-to', ...Object.keys(NUMERIC)],
      booleans: ['json', 'help'],
    });
    if (flags.has('help')) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'\n${USAGE}`);
    if (!flags.has('bandwidth') && !flags.has('plot')) throw new UsageError(`--bandwidth or --plot is required\n${USAGE}`);
    const params = paramsFrom(flags);

    if (flags.has('plot')) {
      const file = flags.get('plot') as string;
      const from = flags.has('plot-from') ? num('plot-from', flags.get('plot-from')) : undefined;
      const to = flags.has('plot-to') ? num('plot-to', flags.get('plot-to')) : undefined;
      let svg: string;
      try {
        svg = plotSvg(params, { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) });
      } catch (err) {
        if (err instanceof InputError) throw new UsageError(`--plot-${err.argument}: ${err.message.slice(err.argument.length + 2)}`);
        throw err;
      }
      try {
        await writeFile(file, svg);
      } catch (err) {
        throw new UsageError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
      if (!flags.has('bandwidth')) {
        if (!flags.has('json')) process.stdout.write(`wrote ${file}\n`);
        return 0;
      }
    }

    const bandwidth = num('bandwidth', flags.get('bandwidth'));
    if (!Number.isFinite(bandwidth) || bandwidth < 0) throw new UsageError('--bandwidth: expected a finite KB/s >= 0');
    const e = relayEconomics(bandwidth, params);
    if (flags.has('json')) {
      process.stdout.write(JSON.stringify({ income: cents(e.income), cost: cents(e.cost), profit: cents(e.profit) }) + '\n');
      return 0;
    }
    const role = params.role === 'exit' ? 'as exit' : `at any of ${params.hops} hops, paid evenly`;
    const rows: [string, string][] = [
      ['relay', `${bandwidth.toLocaleString('en-US')} KB/s consensus bandwidth, ${role}`],
      ['assumptions', `${params.dailyClients.toLocaleString('en-US')} clients/day mine ${params.sessionHours} h at ` +
        `${params.cpuShare * 100}% CPU, ${params.revenueCentsPerDay} cents per client-day`],
      ['network revenue', `${money(e.networkRevenueUsdPerDay)} USD/day`],
      ["relay's share", `${(e.revenueShare * 100).toFixed(4)} %`],
      ['income', `${money(e.income)} USD/month`],
      ['rent', `${money(e.rentEur)} EUR/month`],
      ['traffic', `${money(e.trafficTB)} TB/month (upper bound), ${money(e.trafficEur)} EUR beyond ${params.includedTB} TB`],
      ['cost', `${money(e.cost)} USD/month (at ${params.usdPerEur} USD/EUR)`],
      ['profit', `${money(e.profit)} USD/month`],
    ];
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(16)} ${v}\n`);
    return 0;
  },
};
