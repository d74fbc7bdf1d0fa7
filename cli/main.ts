// Entry point of bin/kpd.
import { program } from './program';

// Stack traces asked for (--debug) name the TypeScript sources, not the compiled bundle; reading every
// module's source map costs time at start-up otherwise.
if (process.argv.includes('--debug') || process.env.KPD_DEBUG === '1') process.setSourceMapsEnabled(true);

// `kpd … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

await program().parseAsync(process.argv);
