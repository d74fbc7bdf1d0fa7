import { describe, expect, it } from 'vitest';
import { nodeConfigFrom, nodeConfigFromHost } from '../../ingest/parsers/nodeconfig';

describe('nodeConfigFrom', () => {
  it('takes image and machine from the labels and keeps the host', () => {
    expect(
      nodeConfigFrom({
        node: 'n1-standard-2-cos-stable-109-17800-66-15-4b1f2c3d',
        test: 'density_create_batch_105_0_0',
        image: 'cos-stable-109-17800-66-15',
        machine: 'cpu:2core,memory:7.5GB',
      }),
    ).toEqual({
      node: { image: 'cos-stable-109-17800-66-15', machine: 'cpu:2core,memory:7.5GB' },
      host: 'n1-standard-2-cos-stable-109-17800-66-15-4b1f2c3d',
      derived: false,
    });
  });

  it('derives both from a benchmark host name <machine>-<image>-<uuid> when the labels are missing', () => {
    expect(nodeConfigFrom({ node: 'n1-standard-2-cos-stable-109-17800-66-15-4b1f2c3d', test: 'resource_0' })).toEqual({
      node: { image: 'cos-stable-109-17800-66-15', machine: 'n1-standard-2' },
      host: 'n1-standard-2-cos-stable-109-17800-66-15-4b1f2c3d',
      derived: true,
    });
  });

  it('fills only the missing one from the host', () => {
    expect(nodeConfigFrom({ node: 'e2-standard-2-ubuntu-gke-2204-1-28-v20231030-a1b2c3d4', image: 'ubuntu-gke-2204-1-28-v20231030' })).toEqual({
      node: { image: 'ubuntu-gke-2204-1-28-v20231030', machine: 'e2-standard-2' },
      host: 'e2-standard-2-ubuntu-gke-2204-1-28-v20231030-a1b2c3d4',
      derived: true,
    });
  });

  it('knows nothing without labels or host', () => {
    expect(nodeConfigFrom({ test: 'resource_0' })).toEqual({ node: { image: 'unknown', machine: 'unknown' }, derived: true });
  });
});

describe('nodeConfigFromHost', () => {
  it.each([
    ['n1-standard-2-cos-stable-109-17800-66-15-4b1f2c3d', 'n1-standard-2', 'cos-stable-109-17800-66-15'],
    ['e2-standard-2-ubuntu-gke-2204-1-28-v20231030-a1b2c3d4', 'e2-standard-2', 'ubuntu-gke-2204-1-28-v20231030'],
    ['n1-highcpu-8-cos-beta-57-9202-21-0-0f1e2d3c', 'n1-highcpu-8', 'cos-beta-57-9202-21-0'],
    ['e2-medium-cos-stable-105-17412-226-52-12345678', 'e2-medium', 'cos-stable-105-17412-226-52'],
    ['c3-standard-4-lssd-fedora-coreos-38-20231027-3-0-ab12cd34', 'c3-standard-4-lssd', 'fedora-coreos-38-20231027-3-0'],
    ['t2d-standard-4-ubuntu-2204-jammy-v20231030-deadbeef', 't2d-standard-4', 'ubuntu-2204-jammy-v20231030'],
    ['custom-4-8192-cos-stable-109-17800-66-15-4b1f2c3d', 'custom-4-8192', 'cos-stable-109-17800-66-15'],
    ['n2-custom-8-16384-ext-cos-stable-109-17800-66-15-4b1f2c3d', 'n2-custom-8-16384-ext', 'cos-stable-109-17800-66-15'],
    ['g1-small-e2e-node-containervm-v20161025-image-4b1f2c3d', 'g1-small', 'e2e-node-containervm-v20161025-image'],
    ['tmp-node-e2e-4b1f2c3d-cos-stable-109-17800-66-15', 'unknown', 'cos-stable-109-17800-66-15'],
  ])('%s is %s / %s', (host, machine, image) => {
    expect(nodeConfigFromHost(host)).toEqual({ machine, image });
  });

  it('uses the host as the image when no layout fits', () => {
    expect(nodeConfigFromHost('kind-worker')).toEqual({ image: 'kind-worker', machine: 'unknown' });
    expect(nodeConfigFromHost('n1-standard-2')).toEqual({ image: 'n1-standard-2', machine: 'unknown' });
  });
});
