import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import validate, { displayFrom, locateRules, validateSource } from '../../scripts/commands/validate';
import { dirSource } from '../../scripts/lib/rules-source';
import { CliError } from '../../scripts/lib/command';
import { captureStdio, copyToTemp, MINIMAL_RULES } from '../support/command-sandbox';

const repo = fileURLToPath(new URL('../..', import.meta.url));

describe('leadpact validate', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  const stdout = () => out.join('');
  const stderr = () => err.join('');

  beforeEach(async () => {
    dir = await copyToTemp(MINIMAL_RULES, 'leadpact-validate-');
    ({ out, err } = captureStdio());
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  /** Breaks the minimal repository in two files: a typo in fit.yaml and a misspelt owner in sla.yaml. */
  async function breakRepository(): Promise<void> {
    const fit = path.join(dir, 'rules/scoring/fit.yaml');
    await writeFile(fit, (await readFile(fit, 'utf8')).replace('field: company.employees', 'field: company.employes'));
    const sla = path.join(dir, 'rules/sla.yaml');
    await writeFile(sla, (await readFile(sla, 'utf8')).replace('owner: marketing', 'owner: markting'));
  }

  it('passes the sample rules in rules/ and prints one summary line', async () => {
    expect(await validate([repo])).toBe(0);
    expect(stdout()).toMatch(/^rules ok: Quillstack revenue rules \d+\.\d+\.\d+, \d+ files, \d+ rules in \d+ models, \d+ personas, \d+ stages\n$/);
    expect(stderr()).toBe('');
  });

  it('counts files, rules, personas and stages in the summary', async () => {
    expect(await validate([dir])).toBe(0);
    expect(stdout()).toBe('rules ok: Fernhill test rules 0.1.0, 7 files, 5 rules in 2 models, 2 personas, 5 stages\n');
  });

  it('accepts the rules folder itself as well as the repository', async () => {
    expect(await locateRules(path.join(dir, 'rules'))).toEqual({ repoDir: dir, rulesSubdir: 'rules' });
    expect(await validate([path.join(dir, 'rules')])).toBe(0);
  });

  it('exits 1 with path:line:col lines relative to the working directory', async () => {
    await breakRepository();
    expect(await validate([dir])).toBe(1);
    const shown = path.relative(process.cwd(), dir).split(path.sep).join('/');
    expect(stdout()).toBe(
      `${shown}/rules/scoring/fit.yaml:15:20: unknown field company.employes; did you mean company.employees?\n` +
        `${shown}/rules/sla.yaml:8:57: unknown owner markting: owners are marketing and sales (the teams in rules/leadpact.yaml) or joint; did you mean marketing?\n` +
        '2 errors in 2 files\n',
    );
  });

  it('writes GitHub workflow commands with escaped properties for --format github', async () => {
    await breakRepository();
    expect(await validate([dir, '--format', 'github'])).toBe(1);
    const lines = stdout().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const shown = displayFrom(dir)('rules/scoring/fit.yaml').replace(/:/g, '%3A');
    expect(lines[0]).toBe(`::error file=${shown},line=15,col=20,title=leadpact unknown-field::unknown field company.employes; did you mean company.employees?`);
    expect(lines[1]).toMatch(/^::error file=[^,]+sla\.yaml,line=8,col=57,title=leadpact unknown-owner::unknown owner markting: /);
    expect(lines[2]).toBe('2 errors in 2 files');
  });

  it('writes only the JSON list to stdout for --format json, the summary to stderr', async () => {
    await breakRepository();
    expect(await validate([dir, '--format=json'])).toBe(1);
    const list = JSON.parse(stdout()) as Array<Record<string, unknown>>;
    expect(list).toEqual([
      expect.objectContaining({ line: 15, col: 20, severity: 'error', code: 'unknown-field' }),
      expect.objectContaining({ line: 8, col: 57, severity: 'error', code: 'unknown-owner' }),
    ]);
    expect(Object.keys(list[0]!)).toEqual(['file', 'line', 'col', 'severity', 'code', 'message']);
    expect(String(list[0]!.file)).toMatch(/rules\/scoring\/fit\.yaml$/);
    expect(stderr()).toBe('2 errors in 2 files\n');
  });

  it('prints an empty JSON list and exits 0 when the rules are fine', async () => {
    expect(await validate([dir, '--format', 'json'])).toBe(0);
    expect(JSON.parse(stdout())).toEqual([]);
    expect(stderr()).toMatch(/^rules ok: /);
  });

  it('passes with warnings (exit 0) and counts them in the summary', async () => {
    const lifecycle = path.join(dir, 'rules/lifecycle.yaml');
    const text = await readFile(lifecycle, 'utf8');
    await writeFile(lifecycle, text.replace('owner: sales, manual: true }', 'owner: sales, manual: true, when: { field: email, exists: true } }'));
    expect(await validate([dir])).toBe(0);
    expect(stdout()).toMatch(/rules\/lifecycle\.yaml:\d+:\d+: warning: stage sal is manual, so its when is never used/);
    expect(stdout()).toMatch(/, 1 warning\n$/);
  });

  it('reports a missing required file and an empty rules folder as errors, not crashes', async () => {
    await rm(path.join(dir, 'rules/sla.yaml'));
    expect(await validate([dir])).toBe(1);
    expect(stdout()).toMatch(/rules\/sla\.yaml:1:1: missing rules\/sla\.yaml/);
    out.length = 0;
    const empty = await mkdtemp(path.join(os.tmpdir(), 'leadpact-empty-'));
    try {
      expect(await validate([empty])).toBe(1);
      expect(stdout().trimEnd().split('\n')).toHaveLength(6); // five missing files and the count
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('reports a file that cannot be read as a located error', async () => {
    const base = dirSource(dir);
    const failing = {
      ...base,
      read: async (file: string) => {
        if (file === 'rules/personas.yaml') throw Object.assign(new Error('permission denied'), { code: 'EACCES' });
        return base.read(file);
      },
    };
    const validation = await validateSource(failing);
    expect(validation.diagnostics).toEqual([
      { file: 'rules/personas.yaml', line: 1, col: 1, severity: 'error', code: 'unreadable-file', message: 'cannot read the file (EACCES)' },
    ]);
    expect(validation.bundle).toBeNull();
  });

  it('refuses bad usage with exit code 2: unknown format, missing directory, a file, two directories', async () => {
    for (const argv of [[dir, '--format', 'xml'], [path.join(dir, 'nope')], [path.join(dir, 'rules/sla.yaml')], [dir, dir], ['--colour']]) {
      const attempt = validate(argv);
      await expect(attempt).rejects.toBeInstanceOf(CliError);
      await expect(attempt).rejects.toMatchObject({ exitCode: 2 });
    }
  });
});
