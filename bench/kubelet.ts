// Benchmark of the kubelet log reader (ingest/parsers/kubelet) on two
// generated verbose logs of KPD_BENCH_KUBELET_MB MiB each (default 1024,
// bench/kubelet-logs.ts): a sparse one (a few thousand pods in noise) and a
// dense one (back-to-back density tests, a quarter of the lines holding
// SyncLoop). For each, in the same run: `grep -c -F SyncLoop`, the reader in
// one thread and with worker threads, each read in a fresh process (its peak
// memory is its own), and on the dense log `kpd probes FILE --json` end to
// end. The reader and kpd run compiled by esbuild, as kpd runs once built;
// bin/kpd as it is today (TypeScript through tsx) is timed too. Times are
// from the page cache, three runs each. Goals (issue 12): at most 2x grep's
// wall time, under 200 MB.
// Run: npm run bench -- kubelet

import { execFileSync, fork } from 'node:child_process';
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateDense, generateSparse } from './kubelet-logs';
import type { RunnerFigures } from './kubelet-runner';

const MIB = 1024 * 1024;
const ROOT = path.resolve(import.meta.dirname, '..');
/** Inside node_modules, so the compiled kpd finds its packages. */
const COMPILED = path.join(ROOT, 'node_modules/.cache/kpd-bench-kubelet');

type Kind = 'sparse' | 'dense';

/** Generation allocates lots of strings: a child process keeps them out of this process. */
function generateInChild(kind: Kind, file: string, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [kind, file, String(bytes)], { env: { ...process.env, KPD_BENCH_KUBELET_GENERATE: '1' } });
    let lines = 0;
    child.on('message', (m) => (lines = Number(m)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(lines) : reject(new Error(`generator exited with ${code}`))));
  });
}

/** The reader's runner, its worker and kpd, compiled. */
async function compile(): Promise<void> {
  fs.rmSync(COMPILED, { recursive: true, force: true });
  await build({
    entryPoints: {
      'kubelet-runner': path.join(ROOT, 'bench/kubelet-runner.ts'),
      kpd: path.join(ROOT, 'cli/main.ts'),
      'kubelet-worker': path.join(ROOT, 'ingest/parsers/kubelet/kubelet-worker.ts'),
    },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: COMPILED,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
}

function seconds(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function fastest(n: number, f: () => void): number {
  return Math.min(...Array.from({ length: n }, () => seconds(f)));
}

/** Three reads, each in a fresh process. */
function reader(file: string, mode: 'alone' | 'workers'): RunnerFigures[] {
  return Array.from({ length: 3 }, () => {
    const out = execFileSync(process.execPath, [path.join(COMPILED, 'kubelet-runner.mjs'), file, mode], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    return JSON.parse(out) as RunnerFigures;
  });
}

/** `kpd probes FILE --json`, its output counted, not kept: its time, and the output's size. */
function kpdProbes(args: string[]): { s: number; bytes: number } {
  let bytes = 0;
  const s = seconds(() => {
    bytes = Number(execFileSync('sh', ['-c', '"$@" | wc -c', 'sh', process.execPath, ...args], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  });
  return { s, bytes };
}

/** What a fresh page of memory costs on this machine (a fault on first touch): the reader's memory is part of its time. */
function pageCost(): { firstMs: number; againMs: number; perPageUs: number } {
  const b = Buffer.alloc(64 * MIB);
  const firstMs = seconds(() => b.fill(1)) * 1000;
  const againMs = seconds(() => b.fill(2)) * 1000;
  return { firstMs, againMs, perPageUs: ((firstMs - againMs) * 1000) / ((64 * MIB) / 4096) };
}

interface LogFigures {
  kind: Kind;
  sizeMb: number;
  lines: number;
  genS: number;
  grepCount: number;
  grepS: number;
  alone: RunnerFigures[];
  workers: RunnerFigures[];
  kpd?: { compiledS: number; tsxS: number; bytes: number };
}

async function measure(kind: Kind, dir: string, bytes: number): Promise<LogFigures> {
  const file = path.join(dir, `${kind}.log`);
  const t0 = process.hrtime.bigint();
  const lines = await generateInChild(kind, file, bytes);
  const genS = Number(process.hrtime.bigint() - t0) / 1e9;
  const sizeMb = fs.statSync(file).size / MIB;
  let grepCount = 0;
  const grep = () => (grepCount = Number(execFileSync('grep', ['-c', '-F', 'SyncLoop', file], { encoding: 'utf8' }).trim()));
  grep();
  const grepS = fastest(3, grep);
  const alone = reader(file, 'alone');
  const workers = reader(file, 'workers');
  let kpd: LogFigures['kpd'];
  if (kind === 'dense') {
    const compiled = [kpdProbes([path.join(COMPILED, 'kpd.mjs'), 'probes', file, '--json']), kpdProbes([path.join(COMPILED, 'kpd.mjs'), 'probes', file, '--json'])];
    const tsx = kpdProbes([path.join(ROOT, 'bin/kpd'), 'probes', file, '--json']);
    kpd = { compiledS: Math.min(...compiled.map((c) => c.s)), tsxS: tsx.s, bytes: compiled[0].bytes };
  }
  fs.rmSync(file, { force: true });
  return { kind, sizeMb, lines, genS, grepCount, grepS, alone, workers, kpd };
}

const f2 = (x: number) => x.toFixed(2);
const mbs = (mb: number, s: number) => (mb / s).toFixed(0);

function report(logs: LogFigures[], pages: ReturnType<typeof pageCost>): string {
  const cell = (l: LogFigures, runs: RunnerFigures[]) => {
    const s = Math.min(...runs.map((r) => r.s));
    return `${runs.map((r) => f2(r.s)).join(', ')} s (CPU ${runs.map((r) => f2(r.cpuS)).join(', ')}) · ${mbs(l.sizeMb, s)} MB/s · **${(s / l.grepS).toFixed(2)}x** · ${Math.max(...runs.map((r) => r.maxRssMb)).toFixed(0)} MB`;
  };
  const rows = [
    `| | ${logs.map((l) => l.kind).join(' | ')} |`,
    `|---|${logs.map(() => '---:').join('|')}|`,
    `| size, lines | ${logs.map((l) => `${l.sizeMb.toFixed(0)} MiB, ${l.lines.toLocaleString('en')}`).join(' | ')} |`,
    `| lines holding SyncLoop | ${logs.map((l) => `${l.grepCount.toLocaleString('en')} (${((100 * l.grepCount) / l.lines).toFixed(0)} %)`).join(' | ')} |`,
    `| probe events, pod instances | ${logs.map((l) => `${l.alone[0].events.toLocaleString('en')}, ${l.alone[0].instances.toLocaleString('en')}`).join(' | ')} |`,
    `| \`grep -c -F SyncLoop\` | ${logs.map((l) => `${f2(l.grepS)} s · ${mbs(l.sizeMb, l.grepS)} MB/s`).join(' | ')} |`,
    `| reader, one thread: runs · MB/s · **x grep** · peak RSS | ${logs.map((l) => cell(l, l.alone)).join(' | ')} |`,
    `| reader, worker threads: runs · MB/s · **x grep** · peak RSS | ${logs.map((l) => cell(l, l.workers)).join(' | ')} |`,
  ];
  const dense = logs.find((l) => l.kpd);
  if (dense?.kpd) {
    const k = dense.kpd;
    rows.push(
      `| \`kpd probes FILE --json\`, compiled · **x grep** | ${logs.map((l) => (l.kpd ? `${f2(k.compiledS)} s · **${(k.compiledS / l.grepS).toFixed(2)}x** (${(k.bytes / MIB).toFixed(1)} MiB of JSON)` : '–')).join(' | ')} |`,
      `| \`bin/kpd probes FILE --json\` as today (tsx) · x grep | ${logs.map((l) => (l.kpd ? `${f2(k.tsxS)} s · ${(k.tsxS / l.grepS).toFixed(2)}x` : '–')).join(' | ')} |`,
    );
  }
  return [
    '## Kubelet log reader',
    '',
    `Two generated verbose (-v=4) kubelet 1.27+ logs under journald prefixes (bench/kubelet-logs.ts; generated in ${logs.map((l) => `${l.genS.toFixed(0)} s`).join(' and ')}): **sparse**, probe lines of 3,000 pods in noise; **dense**, back-to-back density tests (105 pods created, running half an hour, deleted, again with the same names), a quarter of the lines holding SyncLoop, crossing New Year. The reader and kpd run compiled by esbuild (as kpd runs once built), each read in a fresh process; times are wall times from the page cache (the fastest of three for grep; all three for the reader, with their CPU time, both threads counted); x grep is the reader's fastest run over grep's; peak RSS is the highest maxRSS of the reader's processes (Node included).`,
    '',
    ...rows,
    '',
    `${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)} at the end. Writing 64 MiB of fresh memory took ${pages.firstMs.toFixed(0)} ms, writing it again ${pages.againMs.toFixed(0)} ms: about ${pages.perPageUs.toFixed(1)} µs per fresh page. Goals: at most 2x grep, under 200 MB. Worker threads take 16 MiB pieces of files of 96 MiB and more, as they come; the one-thread rows read the same pieces in one thread. \`bin/kpd\` today compiles TypeScript through tsx on every start (worker threads too).`,
    '',
  ].join('\n');
}

export async function run(): Promise<string> {
  const mb = Number(process.env.KPD_BENCH_KUBELET_MB ?? 1024);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpd-bench-kubelet-'));
  try {
    await compile();
    const pages = pageCost();
    const logs = [await measure('sparse', dir, mb * MIB), await measure('dense', dir, mb * MIB)];
    return report(logs, pages);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(COMPILED, { recursive: true, force: true });
  }
}

if (process.env.KPD_BENCH_KUBELET_GENERATE) {
  const [kind, file, bytes] = process.argv.slice(2);
  process.send?.((kind === 'dense' ? generateDense : generateSparse)(file, Number(bytes)));
  process.disconnect?.();
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write((await run()) + '\n');
}
