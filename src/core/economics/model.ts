import { InputError } from '../util/errors.js';

/**
 * The paper's profitability model (section 5.1, Figures 2-5, Appendix A). Every assumption is a
 * named parameter; PAPER_PARAMS holds the paper's values and our calibration of the two totals
 * the paper does not print (see docs/economics.md).
 *
 * Income. Clients mine `sessionHours` a day at `cpuShare` of the CPU that earns
 * `revenueCentsPerDay` in 24 hours, so the whole network's mining revenue per day is
 *   R = dailyClients * revenueCentsPerDay / 100 * sessionHours / 24 * cpuShare   (USD)
 * and a relay of consensus weight w receives
 *   exit:  R * w / totalExitWeight             (each client pays its exit)
 *   any:   R * min(1, hops * w / totalWeight) / hops
 *          (a relay is in a client's circuit with probability ~ hops * w / totalWeight, and the
 *           client pays evenly to the `hops` relays of its circuit: so ~ R * w / totalWeight)
 * per day, times `daysPerMonth` per month.
 *
 * Costs. Rent by consensus weight (the first tier whose `below` exceeds w; the last tier has
 * none), plus traffic above `includedTB` at `eurPerExtraTB`, where a month's traffic is bounded
 * above by w KB/s sent for the whole month. Costs are in EUR, converted with `usdPerEur`.
 */
export interface EconomicsParams {
  /** Real (non-botnet) daily Tor users who can mine: 500,000. */
  dailyClients: number;
  /** Hours a day each client mines: 1. */
  sessionHours: number;
  /** US cents one client's CPU earns in 24 hours of mining: 3.8, 11 or 36. */
  revenueCentsPerDay: number;
  /** Fraction of the CPU spent mining: 1 in the paper, 0.25 "would be more realistic". */
  cpuShare: number;
  /** 'exit': clients pay their exit relay; 'any': clients pay all relays of the circuit evenly. */
  role: 'exit' | 'any';
  /** Relays per circuit: 3. */
  hops: number;
  /** Sum of exit relays' consensus weights, KB/s (calibrated). */
  totalExitWeight: number;
  /** Sum of all relays' consensus weights, KB/s (calibrated). */
  totalWeight: number;
  daysPerMonth: number;
  /** Rent per month by consensus weight: 25 EUR below 15,000; 40 EUR below 50,000; else 70 EUR. */
  rentTiers: readonly RentTier[];
  /** Traffic included in the rent: 10 TB. */
  includedTB: number;
  /** Price of each further TB: 2 EUR. */
  eurPerExtraTB: number;
  /** Bytes in the consensus's kilobyte. */
  bytesPerKB: number;
  /** US dollars per euro. */
  usdPerEur: number;
}

export interface RentTier {
  /** The tier applies to weights below this; omitted on the last tier. */
  readonly below?: number;
  readonly eur: number;
}

export interface RelayEconomics {
  /** USD per month. */
  readonly income: number;
  readonly cost: number;
  readonly profit: number;
  /** Details, for the human table. */
  readonly networkRevenueUsdPerDay: number;
  /** Share of the network's mining revenue the relay receives. */
  readonly revenueShare: number;
  readonly rentEur: number;
  readonly trafficTB: number;
  readonly trafficEur: number;
}

const SECONDS_PER_DAY = 86_400;
const BYTES_PER_TB = 1e12;

/**
 * Calibration targets from the paper: a top relay of 200,000 KB/s at 3.8 cents per client-day
 * earns "about 500 USD per month" as an exit (section 5.1) and "up to 160 USD" at any hop
 * (Appendix A). The totals below are the weights that make the formulas above give exactly those.
 */
export const CALIBRATION = Object.freeze({ bandwidthKBps: 200_000, exitUsd: 500, anyHopUsd: 160 });

const paperMonthlyRevenueUsd = ((500_000 * 3.8) / 100) * (1 / 24) * 1 * 30;

export const PAPER_PARAMS: Readonly<EconomicsParams> = Object.freeze({
  dailyClients: 500_000,
  sessionHours: 1,
  revenueCentsPerDay: 3.8,
  cpuShare: 1,
  role: 'exit',
  hops: 3,
  totalExitWeight: (CALIBRATION.bandwidthKBps * paperMonthlyRevenueUsd) / CALIBRATION.exitUsd,
  totalWeight: (CALIBRATION.bandwidthKBps * paperMonthlyRevenueUsd) / CALIBRATION.anyHopUsd,
  daysPerMonth: 30,
  rentTiers: Object.freeze([
    Object.freeze({ below: 15_000, eur: 25 }),
    Object.freeze({ below: 50_000, eur: 40 }),
    Object.freeze({ eur: 70 }),
  ]),
  includedTB: 10,
  eurPerExtraTB: 2,
  bytesPerKB: 1000,
  usdPerEur: 1.3,
});

const POSITIVE: readonly (keyof EconomicsParams)[] = ['hops', 'totalExitWeight', 'totalWeight', 'daysPerMonth', 'bytesPerKB', 'usdPerEur'];
const NON_NEGATIVE: readonly (keyof EconomicsParams)[] = ['dailyClients', 'sessionHours', 'revenueCentsPerDay', 'includedTB', 'eurPerExtraTB'];
const KEYS = new Set(Object.keys(PAPER_PARAMS));

/** PAPER_PARAMS with `overrides` applied, validated. Throws InputError naming the parameter. */
export function economicsParams(overrides: Partial<EconomicsParams> = {}): EconomicsParams {
  if (typeof overrides !== 'object' || overrides === null) throw new InputError('params', 'expected an object');
  for (const k of Object.keys(overrides)) if (!KEYS.has(k)) throw new InputError(k, 'unknown parameter');
  const p: EconomicsParams = { ...PAPER_PARAMS, ...overrides };
  for (const k of POSITIVE) {
    const v = p[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new InputError(k, 'expected a finite number > 0');
  }
  for (const k of NON_NEGATIVE) {
    const v = p[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InputError(k, 'expected a finite number >= 0');
  }
  if (typeof p.cpuShare !== 'number' || !(p.cpuShare >= 0 && p.cpuShare <= 1)) throw new InputError('cpuShare', 'expected a fraction in [0, 1]');
  if (p.sessionHours > 24) throw new InputError('sessionHours', 'a day has 24 hours');
  if (p.role !== 'exit' && p.role !== 'any') throw new InputError('role', "expected 'exit' or 'any'");
  if (!Number.isInteger(p.hops)) throw new InputError('hops', 'expected an integer');
  checkTiers(p.rentTiers);
  return p;
}

function checkTiers(tiers: unknown): void {
  if (!Array.isArray(tiers) || tiers.length === 0) throw new InputError('rentTiers', 'expected a non-empty array');
  let prev = -Infinity;
  tiers.forEach((t: unknown, i) => {
    const name = `rentTiers[${i}]`;
    if (typeof t !== 'object' || t === null) throw new InputError(name, 'expected {below?, eur}');
    const { below, eur } = t as RentTier;
    if (typeof eur !== 'number' || !Number.isFinite(eur) || eur < 0) throw new InputError(`${name}.eur`, 'expected a finite number >= 0');
    const last = i === tiers.length - 1;
    if (last !== (below === undefined)) throw new InputError(`${name}.below`, last ? 'the last tier has no bound' : 'expected a bound');
    if (below !== undefined) {
      if (typeof below !== 'number' || !Number.isFinite(below) || below <= prev) {
        throw new InputError(`${name}.below`, 'expected finite bounds in increasing order');
      }
      prev = below;
    }
  });
}

/** Rent in EUR per month for a relay of consensus weight `weight`. */
export function rentEur(weight: number, tiers: readonly RentTier[]): number {
  for (const t of tiers) if (t.below === undefined || weight < t.below) return t.eur;
  return tiers[tiers.length - 1]!.eur;
}

/** Income, costs and profit in USD per month of a relay with consensus bandwidth `bandwidthKBps`. */
export function relayEconomics(bandwidthKBps: number, overrides: Partial<EconomicsParams> = {}): RelayEconomics {
  if (typeof bandwidthKBps !== 'number' || !Number.isFinite(bandwidthKBps) || bandwidthKBps < 0) {
    throw new InputError('bandwidth', 'expected a finite number of KB/s >= 0');
  }
  const p = economicsParams(overrides);
  const w = bandwidthKBps;
  const networkRevenueUsdPerDay = ((p.dailyClients * p.revenueCentsPerDay) / 100) * (p.sessionHours / 24) * p.cpuShare;
  const revenueShare = p.role === 'exit'
    ? Math.min(1, w / p.totalExitWeight)
    : Math.min(1, (p.hops * w) / p.totalWeight) / p.hops;
  const income = networkRevenueUsdPerDay * revenueShare * p.daysPerMonth;
  const trafficTB = (w * p.bytesPerKB * SECONDS_PER_DAY * p.daysPerMonth) / BYTES_PER_TB;
  const trafficEur = Math.max(0, trafficTB - p.includedTB) * p.eurPerExtraTB;
  const rent = rentEur(w, p.rentTiers);
  const cost = (rent + trafficEur) * p.usdPerEur;
  return { income, cost, profit: income - cost, networkRevenueUsdPerDay, revenueShare, rentEur: rent, trafficTB, trafficEur };
}
