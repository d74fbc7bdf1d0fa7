// Entry point of bin/kpd.
import { program } from './program';

// Stack traces (--debug) name the TypeScript sources, not the compiled bundle.
process.setSourceMapsEnabled(true);

// `kpd … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

await program().parseAsync(process.argv);
