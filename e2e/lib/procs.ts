import { readdirSync, readFileSync } from 'node:fs';

/** Linux /proc sampling of a process tree: CPU ticks and resident memory. */
interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly ticks: number;
  readonly rssBytes: number;
  readonly cmdline: string;
}

const PAGE = 4096;

function readProc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the name: state(0) ppid(1) ... utime(11) stime(12) ... rss(21).
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { pid, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), rssBytes: Number(f[21]) * PAGE, cmdline };
  } catch {
    return null;
  }
}

function allProcs(): ProcInfo[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => readProc(Number(d))).filter((p): p is ProcInfo => p !== null);
}

/** The processes whose command line contains `marker` (e.g. the profile directory) and all their descendants. */
export function treeOf(marker: string): ProcInfo[] {
  const procs = allProcs();
  const roots = new Set(procs.filter((p) => p.cmdline.includes(marker)).map((p) => p.pid));
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (!roots.has(p.pid) && roots.has(p.ppid)) {
        roots.add(p.pid);
        grew = true;
      }
    }
  }
  return procs.filter((p) => roots.has(p.pid));
}

/** Whole-machine busy and total jiffies from /proc/stat. */
function machine(): { busy: number; total: number } {
  const v = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3]! + v[4]!;
  const total = v.reduce((a, x) => a + x, 0);
  return { busy: total - idle, total };
}

export interface CpuSample {
  /** CPU time of the tree as a share of the whole machine over the interval (0..1). */
  readonly treeShare: number;
  /** The whole machine's busy share over the interval, everything included (0..1). */
  readonly machineBusy: number;
  readonly rssBytes: number;
  readonly processes: number;
}

/** Measures the tree found by `marker` over `seconds`. */
export async function sampleCpu(marker: string, seconds: number, ticksPerSecond = 100, cores = 1): Promise<CpuSample> {
  const a = new Map(treeOf(marker).map((p) => [p.pid, p.ticks]));
  const ma = machine();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = treeOf(marker);
  const mb = machine();
  let ticks = 0;
  for (const p of after) ticks += p.ticks - (a.get(p.pid) ?? 0);
  return {
    treeShare: ticks / (ticksPerSecond * seconds * cores),
    machineBusy: (mb.busy - ma.busy) / (mb.total - ma.total),
    rssBytes: after.reduce((s, p) => s + p.rssBytes, 0),
    processes: after.length,
  };
}
