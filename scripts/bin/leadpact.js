#!/usr/bin/env node
// The `leadpact` command. The command line is written in TypeScript and shares
// extension/engine with the extension; tsx compiles it on the fly.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli.ts');
process.exitCode = await main(process.argv.slice(2));
