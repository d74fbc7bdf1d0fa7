// What every kpd command shares: the options all of them take and the error
// that is the user's to fix (printed as one line, no stack).
import { UserError } from '../lib/errors';

export interface CommonOptions {
  db?: string;
  json?: boolean;
}

/** Errors that are the user's to fix: printed as a message, no stack. */
export class UsageError extends UserError {}

/** A usage error that exits 2, as wrong arguments do: a missing --test, a reversed range, an unknown probe. */
export class ArgumentError extends UsageError {
  readonly exitCode = 2;
}

/** The exit status an error asks for: its own `exitCode` (2 for wrong arguments), else 1. */
export function exitCodeOf(e: unknown): number {
  const code = (e as { exitCode?: unknown } | null)?.exitCode;
  return typeof code === 'number' && Number.isInteger(code) && code > 0 ? code : 1;
}
