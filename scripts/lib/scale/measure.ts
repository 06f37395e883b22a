/**
 * Runs a command as a child process and measures its wall time, CPU time and peak RSS: through
 * `/usr/bin/time -v` when it exists, else by sampling `/proc/<pid>/status` (VmHWM), else wall time only.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  code: number | null;
  wallS: number;
  /** user + system CPU seconds (undefined when not measurable). */
  cpuS?: number;
  peakRssKb?: number;
  method: 'time -v' | '/proc VmHWM' | 'wall only';
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

/** A peak RSS as the benchmarks print it: MiB, written MB (as the README's tables are). */
export const mb = (kb?: number): string => (kb === undefined ? 'n/a' : `${Math.round(kb / 1024)} MB`);

export async function measure(cmd: string, args: string[], opts: { useTime?: boolean } = {}): Promise<Measured> {
  const useTime = (opts.useTime ?? true) && existsSync(GNU_TIME);
  const dir = await mkdtemp(join(tmpdir(), 'secsli-measure-'));
  const timeFile = join(dir, 'time.txt');
  const [file, argv] = useTime ? [GNU_TIME, ['-v', '-o', timeFile, cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const child = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  let hwm = 0;
  const sample = async () => {
    try {
      const m = /VmHWM:\s+(\d+)/.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'));
      if (m) hwm = Math.max(hwm, Number(m[1]));
    } catch {
      /* gone, or no /proc */
    }
  };
  const timer = useTime ? undefined : setInterval(() => void sample(), 50);
  const code: number | null = await new Promise((res) => child.on('close', (c) => res(c)));
  const wallS = (performance.now() - t0) / 1000;
  if (timer) clearInterval(timer);
  let out: Measured = { code, wallS, method: hwm > 0 ? '/proc VmHWM' : 'wall only', stderr, ...(hwm > 0 ? { peakRssKb: hwm } : {}) };
  if (useTime) {
    const text = await readFile(timeFile, 'utf8').catch(() => '');
    const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
    const user = num(/User time \(seconds\): ([\d.]+)/);
    const sys = num(/System time \(seconds\): ([\d.]+)/);
    const rss = num(/Maximum resident set size \(kbytes\): (\d+)/);
    out = { code, wallS, method: 'time -v', stderr, cpuS: user + sys, ...(Number.isFinite(rss) ? { peakRssKb: rss } : {}) };
  }
  await rm(dir, { recursive: true, force: true });
  return out;
}
