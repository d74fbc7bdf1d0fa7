// Who may upload: bearer tokens from $KPD_UPLOAD_TOKEN and/or the file named
// by $KPD_UPLOAD_TOKENS_FILE (one token a line, `#` comments). Without any
// token uploads are refused. Tokens are compared as SHA-256 digests with
// timingSafeEqual, against every configured token, so neither the length nor
// the content of a guess shows in the response time.
import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';

export type AuthVerdict = 'ok' | 'disabled' | 'missing' | 'wrong';

/** The configured upload tokens; the file is read on every call so tokens rotate without a restart. */
export function uploadTokens(env: NodeJS.ProcessEnv = process.env): string[] {
  const tokens: string[] = [];
  const single = env.KPD_UPLOAD_TOKEN?.trim();
  if (single) tokens.push(single);
  const file = env.KPD_UPLOAD_TOKENS_FILE;
  if (file) {
    for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
      const t = line.trim();
      if (t && !t.startsWith('#')) tokens.push(t);
    }
  }
  return tokens;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Judges an `Authorization` header against the configured tokens. */
export function checkUploadAuth(header: string | null, tokens: readonly string[]): AuthVerdict {
  if (!tokens.length) return 'disabled';
  const m = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  if (!m) return 'missing';
  const given = digest(m[1]);
  let match = false;
  for (const t of tokens) {
    if (timingSafeEqual(given, digest(t))) match = true;
  }
  return match ? 'ok' : 'wrong';
}

/** What to answer a request that may not upload: the status, the message and whether to ask for a token; undefined when it may. */
export function refusal(header: string | null, env: NodeJS.ProcessEnv = process.env): { status: 401 | 403 | 500; message: string; challenge: boolean } | undefined {
  let tokens: string[];
  try {
    tokens = uploadTokens(env);
  } catch (e) {
    return { status: 500, message: `server misconfigured: cannot read KPD_UPLOAD_TOKENS_FILE: ${(e as Error).message}`, challenge: false };
  }
  const verdict = checkUploadAuth(header, tokens);
  if (verdict === 'ok') return undefined;
  if (verdict === 'disabled') {
    return { status: 403, message: 'uploads are disabled: the server has no upload token (set KPD_UPLOAD_TOKEN or KPD_UPLOAD_TOKENS_FILE)', challenge: false };
  }
  return { status: 401, message: verdict === 'missing' ? 'an upload token is required: Authorization: Bearer <token>' : 'wrong upload token', challenge: true };
}

/** The WWW-Authenticate challenge of a 401. */
export const CHALLENGE = 'Bearer realm="kpd uploads"';
