// Entry of an impact worker thread: the command line is TypeScript run through tsx, and a worker
// thread starts without the parent's loader, so it registers tsx itself before loading the code.
import { register } from 'tsx/esm/api';

register();
await import('./impact-worker-thread.ts');
