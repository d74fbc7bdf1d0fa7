// Google Cloud Storage through @google-cloud/storage: Application Default
// Credentials when configured, anonymous requests otherwise (the client
// sends the request unauthenticated when it finds no credentials, which is
// how public buckets such as kubernetes-ci-logs are read), and
// STORAGE_EMULATOR_HOST honoured by the client itself.
import { Storage, type File, type GetFilesOptions } from '@google-cloud/storage';
import type { Readable } from 'node:stream';
import { chunksOf, RemoteError, type Listing, type ObjectBody, type ObjectStore, type RemoteObject } from './store';

export class GcsStore implements ObjectStore {
  private readonly storage: Storage;

  constructor(
    readonly url: { scheme: 'gs'; bucket: string },
    private readonly pageSize = 1000,
  ) {
    // One retry policy for both stores: ours (retry.ts).
    this.storage = new Storage({ retryOptions: { autoRetry: false } });
  }

  async list(prefix: string, oneLevel: boolean): Promise<Listing> {
    const out: Listing = { prefixes: [], objects: [] };
    let query: GetFilesOptions | null = {
      prefix,
      delimiter: oneLevel ? '/' : undefined,
      autoPaginate: false,
      maxResults: this.pageSize,
    };
    while (query) {
      let files: File[];
      let next: GetFilesOptions | null;
      let response: { prefixes?: string[] } | undefined;
      try {
        [files, next, response] = (await this.storage.bucket(this.url.bucket).getFiles(query)) as [
          File[],
          GetFilesOptions | null,
          { prefixes?: string[] } | undefined,
        ];
      } catch (e) {
        throw toRemoteError(e);
      }
      out.prefixes.push(...(response?.prefixes ?? []));
      for (const f of files) {
        if (f.name.endsWith('/')) continue;
        out.objects.push({ key: f.name, version: String(f.metadata.generation ?? ''), size: Number(f.metadata.size ?? 0) });
      }
      query = next ? { ...next, autoPaginate: false } : null;
    }
    return out;
  }

  async read(obj: RemoteObject): Promise<ObjectBody> {
    const file = this.storage.bucket(this.url.bucket).file(obj.key, obj.version ? { generation: obj.version } : {});
    // The stored bytes: a kubelet.log.gz uploaded with Content-Encoding gzip stays gzip (the size listed), and the
    // readers tell gzip by its magic bytes.
    const stream: Readable = file.createReadStream({ decompress: false });
    return { chunks: chunksOf(stream, toRemoteError), abort: () => stream.destroy() };
  }
}

function toRemoteError(e: unknown): RemoteError {
  if (e instanceof RemoteError) return e;
  const err = e as { message?: string; code?: unknown; status?: unknown; response?: { status?: unknown } };
  const status =
    typeof err.code === 'number' ? err.code : typeof err.status === 'number' ? err.status : typeof err.response?.status === 'number' ? err.response.status : undefined;
  return new RemoteError(err.message ?? String(e), status, typeof err.code === 'string' ? err.code : undefined);
}
