// Whether a page's address names a job, build and pod that exist (the pages
// answer 404 otherwise), and the jobs a mistyped name was close to.
import { beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../lib/db/open';
import { buildExists, jobExists, jobNames, podExists } from '../../lib/queries/addresses';
import { freshDb } from '../helpers';
import { JOB, fillJob } from './fixture';

let db: DB;
beforeAll(() => {
  db = freshDb().db;
  fillJob(db);
});

describe('addresses', () => {
  it('knows the job, and no other', () => {
    expect(jobExists(db, JOB)).toBe(true);
    expect(jobExists(db, 'nope')).toBe(false);
  });

  it('knows the builds of the job; a malformed ID names none', () => {
    expect(buildExists(db, JOB, '103')).toBe(true);
    expect(buildExists(db, JOB, '999')).toBe(false);
    expect(buildExists(db, JOB, '0103')).toBe(false);
    expect(buildExists(db, 'nope', '103')).toBe(false);
  });

  it('knows a pod by its probes in any run of the build', () => {
    expect(podExists(db, JOB, '103', 'density-test/pod-1')).toBe(true);
    expect(podExists(db, JOB, '103', 'density-test/pod-9')).toBe(false);
    expect(podExists(db, JOB, '999', 'density-test/pod-1')).toBe(false);
  });

  it('lists the jobs and those close to a typo', () => {
    expect(jobNames(db, 'ci-kubernetes-node-kublet-benchmark')).toEqual({ all: [JOB], close: [JOB] });
    expect(jobNames(db, 'nope')).toEqual({ all: [JOB], close: [] });
  });
});
