// Spans the traces receiver kept for a build (<uploads>/<job>/<build>.traces/<host>.jsonl)
// are read with the build by every way in: `kpd ingest` of its directory and `kpd reingest`.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBuild } from '../../ingest/build';
import { DEFAULT_DEMO, DEMO_TESTS, writeDemoJob } from '../../ingest/demo/generate';
import { ingestBuild } from '../../ingest/ingest';
import { reingest } from '../../ingest/reingest';
import { tracesDir } from '../../ingest/upload/store';
import { reingestWithTraces } from '../../ingest/upload/traces';
import { freshDb, tempDir } from '../helpers';

const JOB = DEFAULT_DEMO.job;

interface Doc {
  resourceSpans: { scopeSpans: { spans: { traceId: string }[] }[] }[];
}

function spanProbes(db: ReturnType<typeof freshDb>['db']): number {
  return db.prepare<[], { n: number }>("SELECT count(*) AS n FROM probe_events WHERE source = 'span'").get()!.n;
}

describe('received trace files', () => {
  it('are read with the build directory on ingest and again on reingest', async () => {
    const dir = tempDir('kpd-kept-');
    const jobDir = writeDemoJob(path.join(dir, 'jobs'), {
      ...DEFAULT_DEMO,
      ids: 'jenkins',
      builds: 1,
      nodes: DEFAULT_DEMO.nodes.slice(0, 1),
      tests: DEMO_TESTS.filter((t) => t.name === 'density_create_batch_10_0_0'),
      legacyBuilds: 0,
      noisePerPod: 0,
    });
    const buildDir = path.join(jobDir, '1840');
    const host = fs.readdirSync(path.join(buildDir, 'artifacts')).find((d) => fs.statSync(path.join(buildDir, 'artifacts', d)).isDirectory())!;
    const traceFile = path.join(buildDir, 'artifacts', host, 'kubelet-traces.jsonl');
    const reference = await readBuild(buildDir, { job: JOB, number: '1840', source: buildDir });
    const expected = reference.runs.flatMap((r) => r.probes).filter((e) => e.source === 'span').length;
    expect(expected).toBeGreaterThan(0);

    const docs = fs.readFileSync(traceFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Doc);
    fs.rmSync(traceFile);
    const traces = [...new Set(docs.flatMap((d) => d.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((x) => x.traceId)))))];
    const early = new Set(traces.slice(0, traces.length >> 1));
    const part = (keep: (traceId: string) => boolean) =>
      docs.map((d) =>
        JSON.stringify({
          resourceSpans: d.resourceSpans.map((r) => ({ ...r, scopeSpans: r.scopeSpans.map((s) => ({ ...s, spans: s.spans.filter((x) => keep(x.traceId)) })) })),
        }),
      );
    const lines = [...part((t) => early.has(t)), ...part((t) => !early.has(t))];
    const uploads = path.join(dir, 'uploads');
    const kept = path.join(tracesDir(uploads, JOB, '1840'), `${host}.jsonl`);
    fs.mkdirSync(path.dirname(kept), { recursive: true });
    fs.writeFileSync(kept, lines.slice(0, docs.length).join('\n') + '\n');

    const { db } = freshDb();
    const first = await ingestBuild(db, { job: JOB, number: '1840', path: buildDir, archive: false }, { uploadsDir: uploads });
    expect(first.outcome).toBe('inserted');
    const partial = spanProbes(db);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(expected);

    fs.appendFileSync(kept, lines.slice(docs.length).join('\n') + '\n');
    const again = await reingest(db, JOB, '1840', { uploadsDir: uploads });
    expect(again.results.map((r) => r.outcome)).toEqual(['replaced']);
    expect(spanProbes(db)).toBe(expected);

    // The writer's operation for received spans: one pass serves every request whose bytes it read.
    const op = (build: string, file: string) => reingestWithTraces(db, { job: JOB, build, uploadsDir: uploads, files: [{ path: file, size: fs.statSync(file).size }] });
    expect((await op('1840', kept)).outcome).toBe('reingested');
    expect(await op('1840', kept)).toEqual({ outcome: 'already read' });
    const other = path.join(tracesDir(uploads, JOB, '1841'), `${host}.jsonl`);
    fs.mkdirSync(path.dirname(other), { recursive: true });
    fs.writeFileSync(other, lines[0] + '\n');
    expect(await op('1841', other)).toEqual({ outcome: 'no build yet' });
    expect(spanProbes(db)).toBe(expected);
  });
});
