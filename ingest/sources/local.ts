// Finds builds on the local file system: a job directory (numbered build
// directories, optional latest-build.txt), one build directory, or a build
// packed as .tar.gz.
import { UserError } from '../../lib/errors';
import fs from 'node:fs';
import path from 'node:path';
import { compareBuildIds, isBuildId, type BuildId } from '../../lib/build-id';

export class SourceError extends UserError {}

export interface BuildLocation {
  job: string;
  number: BuildId;
  /** A build directory, or a .tar.gz holding one. */
  path: string;
  archive: boolean;
}

const BUILD_MARKERS = ['build-log.txt', 'started.json', 'finished.json', 'artifacts'];
const ARCHIVE = /\.(tar\.gz|tgz)$/;

export function isBuildDir(dir: string): boolean {
  return BUILD_MARKERS.some((m) => fs.existsSync(path.join(dir, m)));
}

function buildNumber(name: string): BuildId | undefined {
  const base = name.replace(ARCHIVE, '');
  return isBuildId(base) ? base : undefined;
}

/**
 * The builds under `p`. A job directory yields its numbered build directories
 * (and numbered archives) in build order; a build directory or archive yields
 * itself, its job named by the parent directory unless `job` is given.
 */
export function discoverBuilds(p: string, job?: string): BuildLocation[] {
  const abs = path.resolve(p);
  if (!fs.existsSync(abs)) throw new SourceError(`${p}: no such file or directory`);
  const stat = fs.statSync(abs);

  if (stat.isFile()) {
    if (!ARCHIVE.test(abs)) {
      throw new SourceError(`${p}: not a job directory, a build directory or a build .tar.gz`);
    }
    const number = buildNumber(path.basename(abs));
    if (number === undefined) {
      throw new SourceError(`${p}: an archive's name must be its build ID, 1 to 19 digits (e.g. 1853849370541559808.tar.gz)`);
    }
    return [{ job: job ?? path.basename(path.dirname(abs)), number, path: abs, archive: true }];
  }

  if (isBuildDir(abs)) {
    const number = buildNumber(path.basename(abs));
    if (number === undefined) {
      throw new SourceError(`${p}: a build directory's name must be its build ID, 1 to 19 digits`);
    }
    return [{ job: job ?? path.basename(path.dirname(abs)), number, path: abs, archive: false }];
  }

  const builds: BuildLocation[] = [];
  for (const ent of fs.readdirSync(abs, { withFileTypes: true })) {
    const number = buildNumber(ent.name);
    if (number === undefined) continue;
    const child = path.join(abs, ent.name);
    if (ent.isDirectory() && isBuildDir(child)) {
      builds.push({ job: job ?? path.basename(abs), number, path: child, archive: false });
    } else if (ent.isFile() && ARCHIVE.test(ent.name)) {
      builds.push({ job: job ?? path.basename(abs), number, path: child, archive: true });
    }
  }
  if (!builds.length) {
    throw new SourceError(
      `${p}: not a job or build directory (expected numbered build directories, or build-log.txt/started.json/artifacts/)`,
    );
  }
  return builds.sort((a, b) => compareBuildIds(a.number, b.number));
}
