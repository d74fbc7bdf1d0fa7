// The pieces under a remote ingest: the object cache (versions kept apart,
// whole files only, bounded size with the least recently used going first,
// a build being read never losing its files), the bound on requests in
// flight, and the retry policy (transient failures retried, others not).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ObjectCache } from '../../ingest/sources/remote/cache';
import { Limiter } from '../../ingest/sources/remote/limit';
import { withRetry } from '../../ingest/sources/remote/retry';
import { RemoteError } from '../../ingest/sources/remote/store';
import { tempDir } from '../helpers';

const obj = (key: string, version: string, size: number) => ({ key, version, size });

async function put(cache: ObjectCache, file: string, bytes: number, usedAt: number): Promise<void> {
  const part = cache.partFor(file);
  fs.writeFileSync(part, Buffer.alloc(bytes, 1));
  await cache.commit(part, file, bytes);
  fs.utimesSync(file, usedAt / 1000, usedAt / 1000);
}

describe('the object cache', () => {
  it('keeps each version of an object apart, under the bucket and key', () => {
    const cache = new ObjectCache({ dir: '/c', maxBytes: 1000 });
    expect(cache.pathOf('gs', 'kubernetes-ci-logs', obj('logs/j/1/build-log.txt', '1700000000000001', 42))).toBe(
      '/c/gs/kubernetes-ci-logs/logs/j/1/build-log.txt~1700000000000001-42',
    );
    expect(cache.pathOf('s3', 'b', obj('a/started.json', 'd41d8cd98f00b204e9800998ecf8427e-3', 7))).toBe('/c/s3/b/a/started.json~d41d8cd98f00b204e9800998ecf8427e-3-7');
    expect(path.basename(cache.pathOf('s3', 'b', obj('a/x.json', 'W/"odd etag"', 7)))).toMatch(/^x\.json~[0-9a-f]{32}-7$/);
  });

  it('counts a file as cached only when whole', async () => {
    const dir = tempDir('kpd-cache-');
    const cache = new ObjectCache({ dir, maxBytes: 1000 });
    const file = cache.pathOf('s3', 'b', obj('k', 'v', 10));
    expect(cache.has(file, 10)).toBe(false);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'short');
    expect(cache.has(file, 10)).toBe(false);
    await put(cache, file, 10, Date.now());
    expect(cache.has(file, 10)).toBe(true);
  });

  it('evicts the least recently used objects down to its size, and a staged build keeps its files', async () => {
    const dir = tempDir('kpd-cache-');
    const writer = new ObjectCache({ dir, maxBytes: 10_000 });
    const files = ['a', 'b', 'c', 'd'].map((k) => writer.pathOf('s3', 'b', obj(k, 'v', 40)));
    const t = Date.now() - 60_000;
    for (const [i, f] of files.entries()) await put(writer, f, 40, t + i * 1000);

    const cache = new ObjectCache({ dir, maxBytes: 100 });
    expect(cache.size()).toBe(160);
    expect(cache.has(files[0], 40)).toBe(true);
    const stage = cache.stage();
    cache.link(files[1], stage, 'artifacts/host/kubelet.log');
    expect(cache.evict()).toBe(80);
    expect(files.map((f) => fs.existsSync(f))).toEqual([true, false, false, true]);
    expect(fs.readFileSync(path.join(stage, 'artifacts/host/kubelet.log'))).toHaveLength(40);
    cache.release(stage);
    expect(fs.existsSync(stage)).toBe(false);
  });
});

describe('the request bound', () => {
  it('never runs more than n tasks at once, and runs them in the order asked', async () => {
    const limiter = new Limiter(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        limiter.run(async () => {
          started.push(i);
          most = Math.max(most, ++running);
          await new Promise((r) => setTimeout(r, 5 + (i % 3)));
          running--;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(started).toEqual([...Array(12).keys()]);
  });
});

describe('retries', () => {
  const policy = { retries: 3, baseDelayMs: 1, maxDelayMs: 2 };

  it('asks again after 429, 5xx and lost connections', async () => {
    for (const failure of [new RemoteError('slow down', 429), new RemoteError('oops', 503), new RemoteError('reset', undefined, 'ECONNRESET')]) {
      let calls = 0;
      const v = await withRetry(policy, async () => {
        if (++calls < 3) throw failure;
        return 'done';
      });
      expect([v, calls]).toEqual(['done', 3]);
    }
  });

  it('gives up after the last retry with the last error', async () => {
    let calls = 0;
    await expect(withRetry(policy, async () => Promise.reject(new RemoteError(`try ${++calls}`, 500)))).rejects.toThrow('try 4');
  });

  it('does not ask again after 404, 403 or an error that is not the store\'s', async () => {
    for (const failure of [new RemoteError('gone', 404), new RemoteError('no', 403), new Error('disk full')]) {
      let calls = 0;
      await expect(withRetry(policy, async () => Promise.reject((calls++, failure)))).rejects.toBe(failure);
      expect(calls).toBe(1);
    }
  });
});
