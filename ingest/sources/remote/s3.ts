// Amazon S3 and S3-compatible stores (MinIO, Ceph, s3rver) through
// @aws-sdk/client-s3: the standard credential chain, AWS_REGION, and
// AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL with path-style addressing when an
// endpoint is set (what those stores need). With no credentials anywhere,
// requests go unsigned, which is how public buckets are read.
import {
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
  type ListObjectsV2CommandOutput,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { chunksOf, RemoteError, type Listing, type ObjectBody, type ObjectStore, type RemoteObject } from './store';

// The SDK warns on every run under Node 20 about releases after January 2027
// needing Node 22; the lock file pins a release that supports the Node 20
// this project runs on, so the notice would only clutter kpd's stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export function s3ConfigFromEnv(env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  return {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: true } : { followRegionRedirects: true }),
    // One retry policy for both stores: ours (retry.ts).
    maxAttempts: 1,
  };
}

/** Requests without a signature: reading a public bucket with no credentials configured. */
const UNSIGNED: Partial<S3ClientConfig> = {
  httpAuthSchemeProvider: () => [{ schemeId: 'smithy.api#noAuth' }],
  httpAuthSchemes: [{ schemeId: 'smithy.api#noAuth', identityProvider: () => async () => ({}), signer: { sign: async (r) => r } }],
};

export class S3Store implements ObjectStore {
  private client: S3Client;
  private anonymous = false;

  constructor(
    readonly url: { scheme: 's3'; bucket: string },
    private readonly config: S3ClientConfig = s3ConfigFromEnv(),
    private readonly pageSize = 1000,
  ) {
    this.client = new S3Client(config);
  }

  async list(prefix: string, oneLevel: boolean): Promise<Listing> {
    const out: Listing = { prefixes: [], objects: [] };
    let token: string | undefined;
    do {
      const input = {
        Bucket: this.url.bucket,
        Prefix: prefix,
        Delimiter: oneLevel ? '/' : undefined,
        ContinuationToken: token,
        MaxKeys: this.pageSize,
      };
      const page: ListObjectsV2CommandOutput = await this.send((c) => c.send(new ListObjectsV2Command(input)));
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.prefixes.push(p.Prefix);
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined || o.Key.endsWith('/')) continue;
        out.objects.push({ key: o.Key, version: (o.ETag ?? '').replace(/"/g, ''), size: o.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async read(obj: RemoteObject): Promise<ObjectBody> {
    // If-Match: a newer version written since the listing is refused (412) rather than cached as this one.
    const input = { Bucket: this.url.bucket, Key: obj.key, IfMatch: obj.version ? `"${obj.version}"` : undefined };
    const res = await this.send((c) => c.send(new GetObjectCommand(input)));
    const body = res.Body as Readable | undefined;
    if (!body) throw new RemoteError(`s3://${this.url.bucket}/${obj.key}: empty response`);
    return {
      chunks: chunksOf(body, toRemoteError),
      abort: () => body.destroy(),
    };
  }

  /** Runs a request; the first time no credentials are found anywhere, switches to unsigned requests and runs it again. */
  private async send<T>(request: (client: S3Client) => Promise<T>): Promise<T> {
    try {
      return await request(this.client);
    } catch (e) {
      if (!this.anonymous && e instanceof Error && e.name === 'CredentialsProviderError') {
        this.anonymous = true;
        this.client = new S3Client({ ...this.config, ...UNSIGNED });
        return this.send(request);
      }
      throw toRemoteError(e);
    }
  }
}

function toRemoteError(e: unknown): RemoteError {
  if (e instanceof RemoteError) return e;
  if (e instanceof S3ServiceException) {
    const status = e.$metadata?.httpStatusCode;
    return new RemoteError(`${e.name}: ${e.message}`, status, e.name);
  }
  const err = e as { message?: string; code?: string; name?: string; $metadata?: { httpStatusCode?: number } };
  return new RemoteError(err.message ?? String(e), err.$metadata?.httpStatusCode, err.code ?? err.name);
}
