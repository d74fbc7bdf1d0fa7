// The errors a user can fix (a wrong name, path, ID or option, a refused
// input, an unreachable server): the CLI tells them as one line, `kpd: …`,
// with no stack. Machine problems (lib/db/problems.ts) are told the same way;
// anything else is unexpected and shows where with --debug.
export class UserError extends Error {}
