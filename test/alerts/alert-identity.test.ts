// An alert is the change at one build of one run: it keeps its ID and state
// when builds are added or recomputed, follows its change when a replaced
// build moves it by up to two builds, is a new alert when it moves further,
// and gets its state back when its change returns to its build.
import { beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';
import { refreshAndAnnounce } from '../../ingest/alert-webhook';
import { writeBuild } from '../../ingest/load';
import type { DB } from '../../lib/db/open';
import { listAlerts, refreshAlerts, setAlertState, type Alert } from '../../lib/queries/alerts';
import { openDb } from '../../lib/db/open';
import { MIGRATIONS } from '../../lib/db/migrations';
import { buildRecord, freshDb, runRecord } from '../helpers';

const JOB = 'ci-kubernetes-node-kubelet-benchmark';
const BUILDS = 40;
const id = (i: number) => String(1001 + i);

/** Pod startup latency of build i: 1000 ms give or take 22 (no pattern), up by 30 % from build `step` on (`old` builds keep the old level). */
function latency(i: number, step: number, old: ReadonlySet<number> = new Set()) {
  const level = i >= step && !old.has(i) ? 1300 : 1000;
  const wobble = (((i * 7919) % 23) - 11) * 2;
  return { Perc50: level + wobble, Perc90: level * 1.4 + wobble, Perc99: level * 1.7 + wobble };
}

function write(db: DB, i: number, step: number, old?: ReadonlySet<number>) {
  const data = latency(i, step, old);
  const run = runRecord();
  writeBuild(
    db,
    buildRecord(id(i), {
      contentHash: `hash-${id(i)}-${data.Perc50}`,
      runs: [{ ...run, items: [{ ...run.items[0], data }, run.items[1]] }],
    }),
  );
}

let db: DB;
let first: Alert;

beforeAll(() => {
  db = freshDb().db;
  for (let i = 0; i < BUILDS; i++) write(db, i, 25);
  const appeared = refreshAlerts(db, JOB);
  expect(appeared.map((a) => a.build)).toEqual([id(25)]);
  first = appeared[0];
  setAlertState(db, JOB, first.id!, { state: 'acknowledged', note: 'bisecting', by: 'release-team', at: 1_700_000_000_000_000 });
});

const only = () => {
  const all = listAlerts(db, JOB);
  expect(all).toHaveLength(1);
  return all[0];
};

describe('alert identity across recomputations', () => {
  it('groups the stats that moved at the step into one alert', () => {
    expect(first.changes.map((c) => `${c.metric} ${c.stat}`)).toEqual(['latency Perc50', 'latency Perc90', 'latency Perc99']);
    expect(first).toMatchObject({ test: runRecord().test, previousBuild: id(24), regression: true });
  });

  it('keeps ID and state when a recomputation finds the change where it was', () => {
    write(db, 25, 25, new Set([99]));
    expect(refreshAlerts(db, JOB)).toEqual([]);
    expect(only()).toMatchObject({ id: first.id, build: id(25), state: 'acknowledged', note: 'bisecting', setBy: 'release-team' });
  });

  it('moves the alert, ID and state, when a replaced build moves its change by one build', () => {
    write(db, 25, 25, new Set([25]));
    expect(refreshAlerts(db, JOB)).toEqual([]);
    expect(only()).toMatchObject({ id: first.id, build: id(26), previousBuild: id(25), state: 'acknowledged', note: 'bisecting' });
  });

  it('moves it back when the build is replaced again', () => {
    write(db, 25, 25);
    expect(refreshAlerts(db, JOB)).toEqual([]);
    expect(only()).toMatchObject({ id: first.id, build: id(25), state: 'acknowledged' });
  });

  it('makes a new alert of a change that moved more than two builds, and gives the old one its state back when the change returns', () => {
    const late = new Set([25, 26, 27, 28]);
    for (const i of late) write(db, i, 25, late);
    const appeared = refreshAlerts(db, JOB);
    expect(appeared.map((a) => [a.build, a.state])).toEqual([[id(29), 'new']]);
    expect(appeared[0].id).not.toBe(first.id);
    expect(only().id).toBe(appeared[0].id);
    for (const i of late) write(db, i, 25);
    expect(refreshAlerts(db, JOB)).toEqual([]);
    expect(only()).toMatchObject({ id: first.id, build: id(25), state: 'acknowledged', note: 'bisecting' });
  });
});

describe('a database of the schema before alerts', () => {
  it('gives its stored change points their alerts, as new, when it is upgraded', () => {
    const { db: old, file } = freshDb();
    for (let i = 0; i < BUILDS; i++) write(old, i, 20);
    refreshAlerts(old, JOB);
    old.exec('DROP TABLE alerts');
    old.pragma(`user_version = ${MIGRATIONS.findIndex((m) => m.includes('CREATE TABLE alerts'))}`);
    old.close();
    const upgraded = openDb(file);
    expect(listAlerts(upgraded, JOB).map((a) => [a.id, a.build, a.state, a.changes.length])).toEqual([[1, id(20), 'new', 3]]);
    upgraded.close();
  });
});

describe('the alert webhook', () => {
  it('logs a webhook that cannot be reached by its host only, and the alerts are stored all the same', async () => {
    const { db: other } = freshDb();
    for (let i = 0; i < BUILDS; i++) write(other, i, 30);
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await refreshAndAnnounce(other, JOB, { url: `http://127.0.0.1:${port}/hooks/s3cr3t-path` });
      expect(errors).toHaveBeenCalledTimes(1);
      const message = String(errors.mock.calls[0][0]);
      expect(message).toMatch(new RegExp(`^kpd: could not reach the alert webhook at 127\\.0\\.0\\.1:${port}: .+; the alerts are stored all the same$`));
      expect(message).not.toContain('s3cr3t');
    } finally {
      errors.mockRestore();
    }
    expect(listAlerts(other, JOB).map((a) => [a.build, a.state])).toEqual([[id(30), 'new']]);
  });

  it('logs a webhook that answers with an error status', async () => {
    const server = http.createServer((_req, res) => {
      res.statusCode = 404;
      res.end('no_service');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { db: other } = freshDb();
    for (let i = 0; i < BUILDS; i++) write(other, i, 30);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await refreshAndAnnounce(other, JOB, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/x` });
      expect(errors.mock.calls.map((c) => String(c[0]))).toEqual([
        `kpd: the alert webhook at 127.0.0.1:${(server.address() as AddressInfo).port} answered 404; the alerts are stored all the same`,
      ]);
    } finally {
      errors.mockRestore();
      server.close();
    }
  });
});
