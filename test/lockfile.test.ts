// `npm ci` refuses a lock file whose packages name optional dependencies it does not hold (a
// registry missing one platform's build of a native package leaves exactly that gap). CI installs
// with `npm ci` on a clean clone, so the gap is caught here first.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockPackage {
  version?: string;
  optionalDependencies?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, LockPackage> };

/** Where node would resolve `name` from the package at `from` (node_modules lookup upwards). */
function resolves(from: string, name: string): boolean {
  let dir = from;
  for (;;) {
    if (lock.packages[`${dir ? `${dir}/` : ''}node_modules/${name}`]) return true;
    if (!dir) return false;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut === -1 ? '' : dir.slice(0, cut);
  }
}

describe('package-lock.json', () => {
  it('holds every dependency and optional dependency of every package (npm ci would refuse it otherwise)', () => {
    const missing: string[] = [];
    for (const [where, pkg] of Object.entries(lock.packages)) {
      for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
        if (name === 'fsevents') continue; // macOS only, and npm tolerates its absence
        if (!resolves(where, name)) missing.push(`${where || '(root)'} -> ${name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
