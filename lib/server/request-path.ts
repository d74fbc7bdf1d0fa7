// Requests whose path is not valid percent-encoding (`/jobs/%zz`): Next.js
// cannot decode their segments and answers an empty 500. kpd's server answers
// them itself, as the client's mistake: JSON under /api, text elsewhere.
import type { IncomingMessage, ServerResponse } from 'node:http';

export function malformedPath(url: string): boolean {
  const path = url.split('?')[0];
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

/** Answers 400 and returns true when the request's path cannot be decoded. */
export function refuseMalformedPath(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '/';
  if (!malformedPath(url)) return false;
  const message = 'the URL path is not valid percent-encoding';
  const api = url.startsWith('/api/');
  res.writeHead(400, {
    'content-type': api ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(api ? JSON.stringify({ error: message }) : message);
  return true;
}
