// A server without an upload token refuses every upload, whatever the client
// sends, and still serves the dashboard API.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../server-harness';
import { tempDir } from '../helpers';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer(path.join(tempDir('kpd-noupload-'), 'kpd.db'), {
    KPD_UPLOAD_TOKEN: '',
    KPD_UPLOAD_TOKENS_FILE: '',
  });
}, 600_000);

afterAll(async () => {
  await server?.stop();
});

describe('a server with no upload token', () => {
  it('refuses uploads (403) with and without a token, and says how to enable them', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer anything' }, { authorization: 'Bearer ' }];
    for (const headers of attempts) {
      const r = await fetch(`${server.url}/api/v1/jobs/ci-job/builds/1`, { method: 'POST', headers, body: 'x' });
      expect(r.status).toBe(403);
      expect(await r.json()).toEqual({
        error: 'uploads are disabled: the server has no upload token (set KPD_UPLOAD_TOKEN or KPD_UPLOAD_TOKENS_FILE)',
      });
    }
  });

  it('serves the read API', async () => {
    const r = await fetch(`${server.url}/api/v1/health`);
    expect(r.status).toBe(200);
  });
});
