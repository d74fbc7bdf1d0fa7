// The on-disk cache of downloaded objects: <dir>/<scheme>/<bucket>/<key>~<version>,
// so a new version of an object never reads as the old one and a browse of
// the folder shows where things came from. A file appears whole (downloaded
// beside it, then renamed) or not at all. The cache is bounded: when it
// grows past its size, the objects used least recently go first. A build is
// read from a staging folder of hard links into the cache (its files under
// their own names), so evicting an object never pulls it from under a build
// being read.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { dbPath } from '../../../lib/db/open';
import { RemoteSettingsError, type RemoteObject } from './store';

export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 ** 3;
const STAGING = '.staging';
/** Staging folders and partial downloads older than this were left by a process that died. */
const ABANDONED_MS = 3600_000;

export interface CacheOptions {
  dir: string;
  maxBytes: number;
}

/** KPD_CACHE_DIR (default: `cache` beside the database, so data/cache) and KPD_CACHE_MAX_BYTES (default 10 GiB). */
export function cacheOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): CacheOptions {
  const dir = env.KPD_CACHE_DIR || path.join(path.dirname(path.resolve(dbPath(undefined))), 'cache');
  const max = env.KPD_CACHE_MAX_BYTES;
  if (max !== undefined && max !== '' && !/^\d+$/.test(max)) {
    throw new RemoteSettingsError(`KPD_CACHE_MAX_BYTES must be a whole number of bytes, got "${max}"`);
  }
  return { dir: path.resolve(/*turbopackIgnore: true*/ dir), maxBytes: max ? Number(max) : DEFAULT_CACHE_MAX_BYTES };
}

interface Entry {
  size: number;
  used: number;
}

export class ObjectCache {
  readonly dir: string;
  readonly maxBytes: number;
  /** Known cached files and their sizes, read from disk on first need. */
  private entries: Map<string, Entry> | undefined;
  private total = 0;
  private readonly made = new Set<string>();

  constructor(opts: CacheOptions) {
    this.dir = opts.dir;
    this.maxBytes = opts.maxBytes;
  }

  /** Where this version of the object is kept. */
  pathOf(scheme: string, bucket: string, obj: RemoteObject): string {
    return path.join(this.dir, scheme, bucket, ...obj.key.split('/')) + `~${versionToken(obj)}`;
  }

  /** True when the object is cached whole; marks it as just used. */
  has(file: string, size: number): boolean {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      return false;
    }
    if (st.size !== size) return false;
    const now = new Date();
    fs.utimesSync(file, now, now);
    this.index().set(file, { size, used: now.getTime() });
    return true;
  }

  /** A fresh file beside `file` to download into; `commit` moves it into place. */
  partFor(file: string): string {
    this.mkdir(path.dirname(file));
    return `${file}.part-${randomUUID()}`;
  }

  /** Moves a downloaded file into place (asynchronously, like the download's write, off the parsing thread). */
  async commit(part: string, file: string, size: number): Promise<void> {
    await fs.promises.rename(part, file);
    const entries = this.index();
    this.total += size - (entries.get(file)?.size ?? 0);
    entries.set(file, { size, used: Date.now() });
  }

  /** A new empty folder to lay out one build in (removed with `release`). */
  stage(): string {
    const dir = path.join(this.dir, STAGING, `${process.pid}-${randomUUID()}`);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Puts a cached object into a staging folder at its path in the build. */
  link(file: string, stageDir: string, rel: string): void {
    const dest = path.join(stageDir, ...rel.split('/'));
    if (rel.includes('/')) this.mkdir(path.dirname(dest));
    try {
      fs.linkSync(file, dest);
    } catch {
      // A file system without hard links: a copy is slower but just as whole.
      fs.copyFileSync(file, dest);
    }
  }

  /** mkdir -p, once per folder: most objects of a build share a few folders. */
  private mkdir(dir: string): void {
    if (this.made.has(dir)) return;
    fs.mkdirSync(dir, { recursive: true });
    this.made.add(dir);
  }

  release(stageDir: string): void {
    fs.rmSync(stageDir, { recursive: true, force: true });
    for (const d of this.made) if (d.startsWith(stageDir)) this.made.delete(d);
  }

  /** Bytes the cache holds. */
  size(): number {
    this.index();
    return this.total;
  }

  /** Removes the least recently used objects until the cache fits its size; returns the bytes freed. */
  evict(): number {
    const entries = this.index();
    if (this.total <= this.maxBytes) return 0;
    let freed = 0;
    for (const [file, e] of [...entries].sort((a, b) => a[1].used - b[1].used)) {
      if (this.total <= this.maxBytes) break;
      fs.rmSync(file, { force: true });
      entries.delete(file);
      this.total -= e.size;
      freed += e.size;
    }
    return freed;
  }

  private index(): Map<string, Entry> {
    if (this.entries) return this.entries;
    const entries = new Map<string, Entry>();
    let total = 0;
    const now = Date.now();
    const walk = (dir: string) => {
      let ents: fs.Dirent[];
      try {
        ents = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const ent of ents) {
        const p = path.join(dir, ent.name);
        if (ent.isDirectory()) {
          if (dir === this.dir && ent.name === STAGING) removeAbandoned(p, now);
          else walk(p);
        } else if (ent.isFile()) {
          const st = fs.statSync(p);
          if (ent.name.includes('.part-')) {
            if (now - st.mtimeMs > ABANDONED_MS) fs.rmSync(p, { force: true });
            continue;
          }
          entries.set(p, { size: st.size, used: st.mtimeMs });
          total += st.size;
        }
      }
    };
    walk(this.dir);
    this.entries = entries;
    this.total = total;
    return entries;
  }
}

function removeAbandoned(staging: string, now: number) {
  for (const ent of fs.readdirSync(staging, { withFileTypes: true })) {
    const p = path.join(staging, ent.name);
    if (now - fs.statSync(p).mtimeMs > ABANDONED_MS) fs.rmSync(p, { recursive: true, force: true });
  }
}

/** A file-name-safe token for an object's version and size: the generation or ETag itself when it is tame. */
function versionToken(obj: RemoteObject): string {
  const v = /^[A-Za-z0-9._-]{1,80}$/.test(obj.version) ? obj.version : createHash('sha256').update(obj.version).digest('hex').slice(0, 32);
  return `${v || 'none'}-${obj.size}`;
}
