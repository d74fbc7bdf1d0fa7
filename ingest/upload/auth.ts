// Who may write through the API (uploads, alert states): bearer tokens from
// $KPD_UPLOAD_TOKEN and/or the file named by $KPD_UPLOAD_TOKENS_FILE (one
// token a line, `name:token` to give it a name that alert states record, `#`
// comments). Without any token writes are refused. Tokens are compared as
// SHA-256 digests with timingSafeEqual, against every configured token, so
// neither the length nor the content of a guess shows in the response time.
// A token is never echoed: only its name is kept.
import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import { json } from '../../lib/server/api';

export type AuthVerdict = 'ok' | 'disabled' | 'missing' | 'wrong';

export interface UploadToken {
  token: string;
  /** Recorded as who set an alert's state; null for a token without a name. */
  name: string | null;
}

/** What records a write by a token without a name. */
export const UNNAMED = 'token';

/** A name before the token's first colon: letters, digits and `._@-`, starting with a letter or digit. */
const NAMED = /^([A-Za-z0-9][A-Za-z0-9._@-]{0,63}):(\S+)$/;

/** The configured tokens with their names; the file is read on every call so tokens rotate without a restart. */
export function namedUploadTokens(env: NodeJS.ProcessEnv = process.env): UploadToken[] {
  const tokens: UploadToken[] = [];
  const single = env.KPD_UPLOAD_TOKEN?.trim();
  if (single) tokens.push({ token: single, name: null });
  const file = env.KPD_UPLOAD_TOKENS_FILE;
  if (file) {
    for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
      const t = line.trim();
      if (!t || t.startsWith('#')) continue;
      const m = NAMED.exec(t);
      tokens.push(m ? { token: m[2], name: m[1] } : { token: t, name: null });
    }
  }
  return tokens;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Judges an `Authorization` header against the configured tokens; names the token that matched. */
export function authorize(header: string | null, tokens: readonly UploadToken[]): { verdict: AuthVerdict; name?: string } {
  if (!tokens.length) return { verdict: 'disabled' };
  const m = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  if (!m) return { verdict: 'missing' };
  const given = digest(m[1]);
  let found: UploadToken | undefined;
  for (const t of tokens) {
    if (timingSafeEqual(given, digest(t.token)) && !found) found = t;
  }
  return found ? { verdict: 'ok', name: found.name ?? UNNAMED } : { verdict: 'wrong' };
}

/** What to answer a request that may not write: the status, the message, and whether to ask for a token. */
export interface Refusal {
  status: 401 | 403 | 500;
  message: string;
  challenge: boolean;
}

/**
 * Judges a request's `Authorization` header: the name of the token that
 * matched, or why it may not write (500 when the tokens file cannot be read,
 * 403 when the server has no token, 401 without a token or with a wrong one).
 */
export function checkToken(header: string | null, env: NodeJS.ProcessEnv = process.env): { ok: true; name: string } | ({ ok: false } & Refusal) {
  let tokens: UploadToken[];
  try {
    tokens = namedUploadTokens(env);
  } catch (e) {
    return { ok: false, status: 500, message: `server misconfigured: cannot read KPD_UPLOAD_TOKENS_FILE: ${(e as Error).message}`, challenge: false };
  }
  const { verdict, name } = authorize(header, tokens);
  if (verdict === 'ok') return { ok: true, name: name! };
  if (verdict === 'disabled') {
    return { ok: false, status: 403, message: 'uploads are disabled: the server has no upload token (set KPD_UPLOAD_TOKEN or KPD_UPLOAD_TOKENS_FILE)', challenge: false };
  }
  return { ok: false, status: 401, message: verdict === 'missing' ? 'an upload token is required: Authorization: Bearer <token>' : 'wrong upload token', challenge: true };
}

/** The WWW-Authenticate challenge of a 401. */
export const CHALLENGE = 'Bearer realm="kpd uploads"';

/** checkToken for the JSON API: the token's name, or the JSON answer that refuses the request. */
export function requireToken(req: Request, env: NodeJS.ProcessEnv = process.env): { ok: true; name: string } | { ok: false; response: Response } {
  const v = checkToken(req.headers.get('authorization'), env);
  if (v.ok) return v;
  const res = json({ error: v.message }, v.status);
  if (v.challenge) res.headers.set('www-authenticate', CHALLENGE);
  return { ok: false, response: res };
}
