// Errors a query raises for a selection the user can fix: a job, test or
// node config that does not exist, or one that is ambiguous.
import { UserError } from '../errors';

export class SelectionError extends UserError {
  constructor(
    message: string,
    /** What the user could choose instead. */
    readonly choices: string[] = [],
  ) {
    super(choices.length ? `${message}; choose one of:\n  ${choices.join('\n  ')}` : message);
  }
}
