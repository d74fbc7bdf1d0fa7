// What a bucket client must do for ingest: list a prefix (one level, or
// everything under it) and read one version of an object as a stream. Two
// implementations: Google Cloud Storage (gcs.ts) and S3 (s3.ts); errors come
// out as RemoteError with the HTTP status when there was one, so the retry
// policy and the ingest report treat both stores alike.
import { UserError } from '../../../lib/errors';
import type { RemoteUrl } from '../../../lib/remote-url';

export interface RemoteObject {
  /** Full key in the bucket. */
  key: string;
  /** GCS generation or S3 ETag: changes whenever the object's bytes change. */
  version: string;
  size: number;
}

export interface Listing {
  /** Sub-prefixes one level down, each ending with '/' (only when listing with the delimiter). */
  prefixes: string[];
  objects: RemoteObject[];
}

export interface ObjectStore {
  readonly url: Pick<RemoteUrl, 'scheme' | 'bucket'>;
  /** Everything under `prefix`; with `oneLevel`, the objects right under it and its sub-prefixes. */
  list(prefix: string, oneLevel: boolean): Promise<Listing>;
  /** The stored bytes of this version of the object (never decompressed in transit). */
  read(obj: RemoteObject): Promise<ObjectBody>;
}

/** An object's bytes as they arrive; errors, including a lost connection, come out as RemoteError. */
export interface ObjectBody {
  chunks: AsyncIterable<Buffer>;
  /** Stops the transfer (a stalled connection). */
  abort(): void;
}

/** A failed call to a bucket. `status` is the HTTP status when the store answered; none for a lost connection. */
export class RemoteError extends UserError {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }

  /** 404 or 401/403: the object is not there or not ours to read; asking again will not help. */
  get unavailable(): boolean {
    return this.status === 404 || this.status === 401 || this.status === 403;
  }

  /** Worth asking again: rate limits, server errors, timeouts and lost connections. */
  get transient(): boolean {
    if (this.status === undefined) return true;
    return this.status === 408 || this.status === 429 || this.status >= 500;
  }
}

/** A bad setting in the environment (KPD_CACHE_*, KPD_REMOTE_*): the user's to fix. */
export class RemoteSettingsError extends UserError {}

/** What an HTTP status means to a user, for messages. */
export function describeStatus(status: number | undefined): string {
  if (status === undefined) return 'connection failed';
  if (status === 404) return 'not found (404)';
  if (status === 401 || status === 403) return `access denied (${status})`;
  if (status === 429) return 'too many requests (429)';
  return `HTTP ${status}`;
}

/** A body's chunks with the store's errors (a reset connection, an error status) turned into RemoteError. */
export async function* chunksOf(body: AsyncIterable<unknown>, toRemoteError: (e: unknown) => RemoteError): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of body) yield chunk as Buffer;
  } catch (e) {
    throw toRemoteError(e);
  }
}
