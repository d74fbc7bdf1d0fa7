// A full disk where an upload is received, simulated in process (a file
// stream that fails as a full disk does): the answer is 507 and says it is
// the server's trouble, whatever machine the tests run on.
// test/reliability/server.test.ts meets a real full disk where it can mount one.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST } from '../../app/api/v1/jobs/[job]/builds/[build]/route';
import { tempDir, freshDb } from '../helpers';

beforeAll(() => {
  const { db, file } = freshDb();
  db.close();
  process.env.KPD_DB = file;
  process.env.KPD_UPLOAD_TOKEN = 'tok-enospc';
  process.env.KPD_UPLOADS_DIR = path.join(tempDir(), 'uploads');
});
afterEach(() => vi.restoreAllMocks());

describe('an upload onto a full disk', () => {
  it('answers 507, the server is out of space, naming none of its paths', async () => {
    const real = fs.createWriteStream;
    vi.spyOn(fs, 'createWriteStream').mockImplementation(((p: fs.PathLike, o?: unknown) => {
      if (!String(p).includes('.incoming')) return real(p, o as never);
      return new Writable({
        write(_chunk, _enc, cb) {
          cb(Object.assign(new Error(`ENOSPC: no space left on device, write`), { code: 'ENOSPC', path: String(p) }));
        },
      }) as fs.WriteStream;
    }) as typeof fs.createWriteStream);
    const res = await POST(
      new Request('http://localhost/api/v1/jobs/ci-job/builds/1853849370541559808', {
        method: 'POST',
        headers: { authorization: 'Bearer tok-enospc' },
        body: new Uint8Array(4096),
      }),
      { params: Promise.resolve({ job: 'ci-job', build: '1853849370541559808' }) },
    );
    expect(res.status).toBe(507);
    expect(await res.json()).toEqual({ error: "server problem, not the build's: out of disk space writing the server's disk" });
  });
});
