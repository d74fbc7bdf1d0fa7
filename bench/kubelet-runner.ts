// Run by bench/kubelet.ts in a fresh process, compiled by esbuild as kpd will
// be: reads one log three times, in this thread alone or with workers, and
// prints the times, the events and the process's peak memory as JSON.
import { readKubeletLogFile } from '../ingest/parsers/kubelet/reader';

export interface RunnerFigures {
  runs: number[];
  maxRssMb: number;
  events: number;
  instances: number;
  lines: number;
}

const [file, mode] = process.argv.slice(2);
const runs: number[] = [];
let last: Awaited<ReturnType<typeof readKubeletLogFile>> | undefined;
for (let i = 0; i < 3; i++) {
  const t0 = process.hrtime.bigint();
  last = await readKubeletLogFile(file, { file, ...(mode === 'alone' ? { workers: 0 } : {}) });
  runs.push(Number(process.hrtime.bigint() - t0) / 1e9);
}
const figures: RunnerFigures = {
  runs,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
  events: last!.events.length,
  instances: new Set(last!.events.map((e) => `${e.pod}#${e.instance}`)).size,
  lines: last!.lines,
};
process.stdout.write(JSON.stringify(figures) + '\n');
