/**
 * For command tests that run a command in-process on a throwaway copy of a rules repository:
 * the copy, and stdout/stderr captured instead of printed.
 */
import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';

/** test/rules/valid/minimal: the smallest valid rules repository. */
export const MINIMAL_RULES = fileURLToPath(new URL('../rules/valid/minimal', import.meta.url));

/** A new temporary folder (named after `prefix`) holding a copy of `source`. */
export async function copyToTemp(source: string, prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await cp(source, dir, { recursive: true });
  return dir;
}

/** Collects what is written to process.stdout and process.stderr until vi.restoreAllMocks(). */
export function captureStdio(): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { out, err };
}
