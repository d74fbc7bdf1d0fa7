// `npm run bench [-- NAME…]`: runs the benchmarks (all, or those named), prints
// their figures and writes them to docs/BENCHMARKS.md with the machine they ran on.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SUITES: Record<string, () => Promise<{ run: () => Promise<string> }>> = {
  ingest: () => import('./ingest'),
  kubelet: () => import('./kubelet'),
  load: () => import('./load'),
  pages: () => import('./pages'),
  regressions: () => import('./regressions'),
  remote: () => import('./remote'),
  startup: () => import('./startup'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length ? wanted : Object.keys(SUITES);
const unknown = names.filter((n) => !SUITES[n]);
if (unknown.length) {
  process.stderr.write(`bench: unknown suite ${unknown.join(', ')}; choose from ${Object.keys(SUITES).join(', ')}\n`);
  process.exit(1);
}

const docs = path.resolve(import.meta.dirname, '../docs/BENCHMARKS.md');
const sections = new Map<string, string>();
if (fs.existsSync(docs)) {
  for (const m of fs.readFileSync(docs, 'utf8').matchAll(/<!-- bench:(\w+) -->\n([\s\S]*?)<!-- \/bench:\1 -->/g)) sections.set(m[1], m[2]);
}
for (const name of names) {
  process.stderr.write(`bench: ${name}…\n`);
  const text = await (await SUITES[name]()).run();
  process.stdout.write(text + '\n');
  sections.set(name, `_Run ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}._\n\n${text}`);
}
// Sections of no suite here (`npm run fuzz` records its own by hand) are kept, after the suites'.
const body = [...new Set([...Object.keys(SUITES), ...sections.keys()])]
  .filter((n) => sections.has(n))
  .map((n) => `<!-- bench:${n} -->\n${sections.get(n)}<!-- /bench:${n} -->`)
  .join('\n\n');
fs.mkdirSync(path.dirname(docs), { recursive: true });
fs.writeFileSync(
  docs,
  `# Benchmarks\n\nFigures printed by \`npm run bench\` (each suite rewrites its own section). Goals are in the issues; tests never assert timings.\n\n${body}\n`,
);
