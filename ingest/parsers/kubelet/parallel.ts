// A big plain log read by all cores: the file is cut into pieces (pieces.ts)
// that this thread and worker threads take one at a time from a shared
// counter, so a worker that starts late, or a busy core, just takes fewer.
// Each piece comes back as facts, handed on in piece order as soon as the
// pieces before it are in (the reader replays them while the rest are read,
// and keeps none for long). A worker that cannot start or fails leaves its
// pieces to this thread.
//
// The worker's entry is kubelet-worker.ts from TypeScript sources (tsx,
// vitest), kubelet-worker.mjs next to the compiled module that holds this code
// (lib/threads.ts); without it, this thread reads every piece.
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { fromSources, startWorker } from '../../../lib/threads';
import type { FactsData } from './facts';
import { readPiece } from './pieces';

export interface PieceJob {
  file: string;
  size: number;
  pieces: number;
  pieceBytes: number;
  maxLineBytes: number;
  /** Int32: the next piece to take (Atomics.add). */
  counter: SharedArrayBuffer;
}

/** What a worker posts for each piece it read. */
export interface PieceMessage {
  piece: number;
  facts: FactsData;
}

export interface ReadPiecesOptions {
  pieceBytes: number;
  maxLineBytes: number;
  /** Let worker threads take pieces too. */
  threads: boolean;
  /** How many workers at most (default: one per core but this one). */
  workers?: number;
  /** Whether this thread takes pieces too (default true; false leaves all to the workers, if any start). */
  inThisThread?: boolean;
}

export interface Pieces {
  pieces: number;
  /** How many pieces worker threads read. */
  byWorkers: number;
}

const SOURCE = './kubelet-worker.ts';
const COMPILED = './kubelet-worker.mjs';

/** A file next to this module. (A name passed in: a bundler must not take it for an asset of its own to resolve.) */
function besideThis(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url));
}

/** Whether a worker can be started from here: always from sources, when the compiled entry was emitted otherwise. */
export function workersAvailable(): boolean {
  return fromSources(import.meta.url) || fs.existsSync(besideThis(COMPILED));
}

/** Starts a worker on the job; resolves when it ends, whatever the way. */
function runWorker(job: PieceJob, onPiece: (index: number, facts: FactsData) => void): Promise<void> | undefined {
  if (!workersAvailable()) return undefined;
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = startWorker(import.meta.url, SOURCE, COMPILED, { workerData: job });
    } catch {
      resolve();
      return;
    }
    worker.on('message', (m: PieceMessage) => onPiece(m.piece, m.facts));
    worker.on('error', () => resolve());
    worker.on('exit', () => resolve());
  });
}

/** The pieces of a plain file read into facts, each handed to `take` in file order. */
export async function readPieces(file: string, size: number, opts: ReadPiecesOptions, take: (facts: FactsData) => void): Promise<Pieces> {
  const pieces = Math.max(1, Math.ceil(size / opts.pieceBytes));
  const waiting = new Map<number, FactsData>();
  let next = 0;
  const arrived = (index: number, facts: FactsData) => {
    waiting.set(index, facts);
    for (let d = waiting.get(next); d; d = waiting.get(next)) {
      waiting.delete(next++);
      take(d);
    }
  };
  const counter = new SharedArrayBuffer(4);
  const job: PieceJob = { file, size, pieces, pieceBytes: opts.pieceBytes, maxLineBytes: opts.maxLineBytes, counter };
  const workers: Promise<void>[] = [];
  const byWorker = new Set<number>();
  if (opts.threads && pieces > 1) {
    const n = Math.min(pieces, opts.workers ?? Math.max(1, os.availableParallelism() - 1));
    for (let i = 0; i < n; i++) {
      const w = runWorker(job, (index, facts) => {
        byWorker.add(index);
        arrived(index, facts);
      });
      if (w) workers.push(w);
    }
  }
  const fd = fs.openSync(file, 'r');
  try {
    const taken = new Int32Array(counter);
    // Between pieces, let the workers' messages in (and anyone else waiting on this thread).
    for (let i = opts.inThisThread === false && workers.length ? pieces : Atomics.add(taken, 0, 1); i < pieces; i = Atomics.add(taken, 0, 1)) {
      arrived(i, readPiece(fd, size, i, opts.pieceBytes, opts.maxLineBytes));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(workers);
    // Pieces a failed worker took and never gave back.
    for (let i = next; i < pieces; i++) if (!waiting.has(i)) arrived(i, readPiece(fd, size, i, opts.pieceBytes, opts.maxLineBytes));
  } finally {
    fs.closeSync(fd);
  }
  return { pieces, byWorkers: byWorker.size };
}
