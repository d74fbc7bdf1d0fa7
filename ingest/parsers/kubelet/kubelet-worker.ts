// A worker thread of parallel.ts: takes pieces of the log off the shared
// counter until none is left, reads each into facts and posts them back
// (their buffers transferred).
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { PieceJob, PieceMessage } from './parallel';
import { buffers } from './facts';
import { readPiece } from './pieces';

const job = workerData as PieceJob;
const counter = new Int32Array(job.counter);
const fd = fs.openSync(job.file, 'r');
try {
  for (let i = Atomics.add(counter, 0, 1); i < job.pieces; i = Atomics.add(counter, 0, 1)) {
    const facts = readPiece(fd, job.size, i, job.pieceBytes, job.maxLineBytes);
    parentPort!.postMessage({ piece: i, facts } satisfies PieceMessage, buffers(facts));
  }
} finally {
  fs.closeSync(fd);
}
