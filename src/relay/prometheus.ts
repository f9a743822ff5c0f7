import type { RelayConfig } from './config.js';
import type { RelayStats } from './daemon.js';

/** Prometheus text exposition format 0.0.4 for the relay's counters and gauges. */
export function prometheusText(s: RelayStats, config: RelayConfig): string {
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[labels: string, value: number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${Number.isFinite(value) ? value : 0}`);
  };
  metric('workpass_sessions', 'gauge', 'Connected Stratum sessions (WebSocket and TCP).', [['', s.sessions]]);
  metric('workpass_shares_total', 'counter', 'Shares by result since start.', [
    ['{result="accepted"}', s.shares.accepted],
    ...Object.entries(s.shares.rejected).map(([reason, n]): [string, number] => [`{result="rejected",reason="${reason}"}`, n]),
  ]);
  metric('workpass_malformed_messages_total', 'counter', 'Messages refused before dispatch (parse, schema or rate).', [['', s.malformed]]);
  metric('workpass_tickets_issued_total', 'counter', 'Tickets issued (all time, from the store).', [['', s.tickets.issued]]);
  metric('workpass_tickets_spent', 'gauge', 'Spent tickets remembered (until their expiry).', [['', s.tickets.spent]]);
  metric('workpass_hash_rate', 'gauge', 'Estimated client hash rate (hashes/s) from accepted share difficulty, last minute.', [['', s.hashRate]]);
  metric('workpass_upstream_up', 'gauge', 'Job source state (1 ready, 0 otherwise).', [[`{kind="${s.upstream.kind}"}`, s.upstream.state === 'ready' ? 1 : 0]]);
  metric('workpass_upstream_shares_total', 'counter', 'Shares the upstream pool answered.', [
    ['{result="accepted"}', s.upstream.accepted],
    ['{result="rejected"}', s.upstream.rejected],
  ]);
  metric('workpass_upstream_forwarded_total', 'counter', 'Shares forwarded upstream (met the pool difficulty).', [['', s.upstream.forwarded]]);
  metric('workpass_blocks_total', 'counter', 'Blocks found in solo mode.', [['', s.upstream.blocks]]);
  metric('workpass_event_loop_delay_seconds', 'gauge', 'Event-loop delay since start.', [
    ['{quantile="0.5"}', s.eventLoopDelayMs.p50 / 1000],
    ['{quantile="0.99"}', s.eventLoopDelayMs.p99 / 1000],
    ['{quantile="1"}', s.eventLoopDelayMs.max / 1000],
  ]);
  const listeners: Array<[string, string, number]> = [['ws', config.algo, config.difficulty], ['stratum', config.stratumAlgo, config.stratumDifficulty]];
  if (config.cells !== null) listeners.push(['cells', config.cellsAlgo, config.cellsDifficulty]);
  metric('workpass_start_difficulty', 'gauge', 'Configured starting share difficulty per listener.',
    listeners.map(([listener, algo, d]) => [`{algo="${algo}",listener="${listener}"}`, d]));
  return lines.join('\n') + '\n';
}
