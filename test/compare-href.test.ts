// "Compare +" as a link: the comparison it came from plus this selection, once,
// over the same build range; nothing but the URL carries the list.
import { describe, expect, it } from 'vitest';
import { compareHref } from '../app/components/CompareButton';

const JOB = 'ci-kubernetes-node-kubelet-benchmark';
const COS = 'density_create_batch_105_0_0|cos-stable-109-17800-66-15|cpu:2core,memory:7.5GB';
const UBUNTU = 'density_create_batch_105_0_0|ubuntu-2204|cpu:4core,memory:15GB';

const parts = (href: string) => {
  const u = new URL(href, 'http://x');
  return { path: u.pathname, sel: u.searchParams.getAll('sel'), last: u.searchParams.get('last'), builds: u.searchParams.get('builds') };
};

describe('compareHref', () => {
  it('starts a comparison with this selection over the range of the page', () => {
    expect(parts(compareHref({ job: JOB, sel: COS, builds: '1200-1223' }))).toEqual({
      path: `/jobs/${JOB}/compare`,
      sel: [COS],
      last: null,
      builds: '1200-1223',
    });
  });

  it('adds to the comparison the page came from, and not twice', () => {
    expect(parts(compareHref({ job: JOB, sel: UBUNTU, cmp: [COS], last: '10' })).sel).toEqual([COS, UBUNTU]);
    expect(parts(compareHref({ job: JOB, sel: COS, cmp: [COS, UBUNTU], last: '10' }))).toMatchObject({ sel: [COS, UBUNTU], last: '10' });
  });
});
