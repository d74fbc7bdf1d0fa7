// Entry point of bin/kpd.
import { program } from './program';

await program().parseAsync(process.argv);
