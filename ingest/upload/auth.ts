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
