import { fileURLToPath } from 'node:url';

/** The repository root (where package.json lives). */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const schemaDir = fileURLToPath(new URL('../../schema/', import.meta.url));
export const rulesDir = fileURLToPath(new URL('../../rules/', import.meta.url));
