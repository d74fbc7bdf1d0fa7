// Run by bench/kubelet.ts in a fresh process, compiled by esbuild as kpd will
// be: reads one log once, in this thread alone or with workers, and prints
// the time, the events and the process's peak memory as JSON.
import os from 'node:os';
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
// Workers as many as cores but one, however busy the machine (the reader's default asks the load).
const r = await readKubeletLogFile(file, { file, workers: mode === 'alone' ? 0 : Math.max(1, os.availableParallelism() - 1) });
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
