// Failures of the machine rather than of the input: a database locked by
// another process, a full disk, a read-only file or file system, a corrupt
// database. They are told to the user as one line naming the cause (the CLI
// prints `kpd: …`, the server answers 503/507), and they stop a run of many
// builds, since every build after would fail the same way.

/** The busy timeout of every connection: how long a write waits for another writer's lock ($KPD_BUSY_TIMEOUT_MS, default 30 s). */
export const BUSY_TIMEOUT_MS = /^\d{1,7}$/.test(process.env.KPD_BUSY_TIMEOUT_MS ?? '') ? Number(process.env.KPD_BUSY_TIMEOUT_MS) : 30_000;

export type ProblemKind = 'locked' | 'full' | 'readonly' | 'denied' | 'corrupt';

export class EnvironmentProblem extends Error {
  constructor(
    readonly kind: ProblemKind,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

const SQLITE: Record<string, ProblemKind> = {
  SQLITE_BUSY: 'locked',
  SQLITE_LOCKED: 'locked',
  SQLITE_FULL: 'full',
  SQLITE_READONLY: 'readonly',
  SQLITE_CANTOPEN: 'denied',
  SQLITE_PERM: 'denied',
  SQLITE_AUTH: 'denied',
  SQLITE_CORRUPT: 'corrupt',
  SQLITE_NOTADB: 'corrupt',
};

const ERRNO: Record<string, ProblemKind> = {
  ENOSPC: 'full',
  EDQUOT: 'full',
  EROFS: 'readonly',
  EACCES: 'denied',
  EPERM: 'denied',
};

function kindOf(e: unknown): ProblemKind | undefined {
  if (e instanceof EnvironmentProblem) return e.kind;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  // Extended SQLite codes (SQLITE_READONLY_DBMOVED, SQLITE_IOERR_WRITE…) share their primary code's meaning.
  const primary = code.startsWith('SQLITE_') ? code.split('_').slice(0, 2).join('_') : code;
  if (primary === 'SQLITE_IOERR') return /NOSPC|FULL/.test(code) ? 'full' : 'denied';
  return SQLITE[primary] ?? ERRNO[code];
}

const SAY: Record<ProblemKind, (where: string) => string> = {
  locked: (where) => `${where} is locked by another process (waited ${BUSY_TIMEOUT_MS / 1000} s); try again when it is done`,
  full: (where) => `out of disk space writing ${where}`,
  readonly: (where) => `${where} is read-only: read commands work, writes need a writable file and folder`,
  denied: (where) => `cannot open or write ${where}: permission denied or an I/O error`,
  corrupt: (where) => `${where} is not a kpd database or is corrupt`,
};

/**
 * The machine problem behind `e`, told as one line: a SQLite error names the
 * database (`dbFile`), a file system error the file it met. A server tells
 * others neither path (`hidePaths`): they are its own business.
 */
export function environmentProblem(e: unknown, dbFile: string, opts: { hidePaths?: boolean } = {}): EnvironmentProblem | undefined {
  if (e instanceof EnvironmentProblem) return e;
  const kind = kindOf(e);
  if (!kind) return undefined;
  const { code, path } = e as { code?: string; path?: unknown };
  const fromSqlite = code?.startsWith('SQLITE_');
  const where = fromSqlite
    ? opts.hidePaths ? "the server's database" : `database ${dbFile}`
    : opts.hidePaths ? "the server's disk" : typeof path === 'string' ? path : 'a file';
  return new EnvironmentProblem(kind, SAY[kind](where), e);
}
