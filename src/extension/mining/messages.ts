import { parseWorkOrder, type WorkOrder, type WorkReport } from './work.js';

/**
 * Runtime messages between the Chromium background and its offscreen document (JSON only).
 *   to offscreen:  {to: "offscreen", type: "setWork", order} | {to: "offscreen", type: "stop"}
 *   to background: {to: "background", type: "report", report}
 */
export type OffscreenCommand =
  | { readonly to: 'offscreen'; readonly type: 'setWork'; readonly order: WorkOrder }
  | { readonly to: 'offscreen'; readonly type: 'stop' };

export interface ReportMessage {
  readonly to: 'background';
  readonly type: 'report';
  readonly report: WorkReport;
}

export function parseOffscreenCommand(raw: unknown): OffscreenCommand | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  if (m.to !== 'offscreen') return null;
  if (m.type === 'stop') return { to: 'offscreen', type: 'stop' };
  if (m.type === 'setWork') {
    const order = parseWorkOrder(m.order);
    return order === null ? null : { to: 'offscreen', type: 'setWork', order };
  }
  return null;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isDuration(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

export function parseWorkReport(raw: unknown): WorkReport | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  if (!isCount(r.orderId)) return null;
  const orderId = r.orderId;
  switch (r.type) {
    case 'share':
      return isCount(r.nonce) && r.nonce <= 0xffffffff ? { type: 'share', orderId, nonce: r.nonce } : null;
    case 'progress':
      return isCount(r.hashes) && isDuration(r.busyMs) && isDuration(r.wallMs)
        ? { type: 'progress', orderId, hashes: r.hashes, busyMs: r.busyMs, wallMs: r.wallMs }
        : null;
    case 'exhausted':
      return { type: 'exhausted', orderId };
    case 'failed':
      return typeof r.message === 'string' ? { type: 'failed', orderId, message: r.message.slice(0, 500) } : null;
    default:
      return null;
  }
}

export function parseReportMessage(raw: unknown): ReportMessage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const m = raw as Record<string, unknown>;
  if (m.to !== 'background' || m.type !== 'report') return null;
  const report = parseWorkReport(m.report);
  return report === null ? null : { to: 'background', type: 'report', report };
}
