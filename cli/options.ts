// What every kpd command shares: the options all of them take and the error
// that is the user's to fix (printed as one line, no stack).
import { UserError } from '../lib/errors';

export interface CommonOptions {
  db?: string;
  json?: boolean;
}

/** Errors that are the user's to fix: printed as a message, no stack. */
export class UsageError extends UserError {}
