// Run by bench/kubelet.ts in a fresh process, compiled by esbuild as kpd will
// be: reads one log once, in this thread alone or with workers, and prints
// the time, the events and the process's peak memory as JSON.
import { readKubeletLogFile } from '../ingest/parsers/kubelet/reader';

export interface RunnerFigures {
  s: number;
  cpuS: number;
  maxRssMb: number;
  events: number;
  instances: number;
  lines: number;
}

const [file, mode] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
const r = await readKubeletLogFile(file, { file, ...(mode === 'alone' ? { workers: 0 } : {}) });
const cpu = process.cpuUsage(cpu0);
const figures: RunnerFigures = {
  s: Number(process.hrtime.bigint() - t0) / 1e9,
  cpuS: (cpu.user + cpu.system) / 1e6,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
  events: r.events.length,
  instances: new Set(r.events.map((e) => `${e.pod}#${e.instance}`)).size,
  lines: r.lines,
};
process.stdout.write(JSON.stringify(figures) + '\n');
