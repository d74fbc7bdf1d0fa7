// `kpd upload PATH --server URL --job J --build N`: packs a build directory
// (or takes a ready .tar.gz) and sends it to the dashboard's upload endpoint;
// the last step of a CI job. Prints the server's ingest report.
import type { BuildId } from '../lib/build-id';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IngestedBuild } from '../ingest/ingest';
import { ClientError, DEFAULT_RETRY, isArchive, packBuildDir, reason, sendArchive } from './upload-client';
import { plural, printJson, type Out } from './output';
import type { CommonOptions } from './options';

export interface UploadOptions extends CommonOptions {
  server: string;
  job: string;
  build: BuildId;
  token?: string;
  replace?: boolean;
  /** Sends again after a lost connection or a busy server (default 5). */
  retries?: number;
}

export async function uploadCommand(p: string, o: UploadOptions, out: Out): Promise<number> {
  const token = o.token || process.env.KPD_UPLOAD_TOKEN;
  if (!token) throw new ClientError('no upload token: set KPD_UPLOAD_TOKEN (or pass --token)');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kpd-upload-'));
  try {
    let archive = p;
    if (!isArchive(p)) {
      archive = path.join(tmp, `${o.build}.tar.gz`);
      await packBuildDir(p, archive);
    }
    const answer = await sendArchive(
      archive,
      { server: o.server, job: o.job, build: o.build, token, replace: o.replace },
      {
        ...DEFAULT_RETRY,
        retries: o.retries ?? DEFAULT_RETRY.retries,
        onRetry: (why, ms, attempt) =>
          process.stderr.write(`kpd: upload of ${o.job}#${o.build}, attempt ${attempt}: ${why}; sending again in ${Math.round(ms / 1000)} s\n`),
      },
    );
    if (answer.status !== 200 && answer.status !== 201) {
      process.stderr.write(`kpd: upload of ${o.job}#${o.build} refused (${answer.status}): ${reason(answer)}\n`);
      return 1;
    }
    if (o.json) {
      printJson(out, answer.body);
      return 0;
    }
    const r = answer.body as IngestedBuild;
    out(`${r.job}#${r.number}: ${r.outcome}; ${plural(r.runs, 'run')}, ${plural(r.warnings, 'warning')}`);
    return 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
