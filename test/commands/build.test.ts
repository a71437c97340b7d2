import { execFileSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compileRules, evaluate } from '../../extension/engine/index';
import type { Bundle } from '../../extension/engine/generated/rules';
import build, { cleanCommit } from '../../scripts/commands/build';
import { bundleHash } from '../../scripts/lib/rules-bundle';
import { bundleSchemaProblem } from '../../scripts/lib/schema-validator';
import { captureStdio, copyToTemp, MINIMAL_RULES } from '../support/command-sandbox';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

describe('leadpact build', () => {
  let dir: string;
  let out: string[];
  let err: string[];

  beforeEach(async () => {
    dir = await copyToTemp(MINIMAL_RULES, 'leadpact-build-');
    ({ out, err } = captureStdio());
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  const readBundle = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Bundle;

  it('writes a bundle matching schema/bundle.schema.json to .output/rules/bundle.json and prints version, hash and path', async () => {
    expect(await build([dir])).toBe(0);
    const file = path.join(dir, '.output/rules/bundle.json');
    const bundle = await readBundle(file);
    expect(bundleSchemaProblem(bundle)).toBeNull();
    expect(bundle).toMatchObject({ kind: 'bundle', format: 1, name: 'Fernhill test rules', version: '0.1.0', commit: null });
    expect(bundle.hash).toBe(bundleHash(bundle));
    expect(bundle.models.map((m) => m.id)).toEqual(['engagement', 'fit']);
    const printed = out.join('');
    expect(printed).toContain('built Fernhill test rules 0.1.0\n');
    expect(printed).toContain(`hash ${bundle.hash}\n`);
    expect(printed).toMatch(/wrote .*\.output\/rules\/bundle\.json\n$/);
    // The engine scores with what was written.
    const outcome = evaluate(compileRules(bundle), { id: 'x', title: 'VP Data', company: { employees: 500 } }, '2026-11-20T12:00:00Z');
    expect(outcome).toMatchObject({ score: { fit: 80 }, grade: 'A', persona: 'economic-buyer' });
  });

  it('gives the same bytes for the same rules, whatever the key order, formatting or line ends of the YAML', async () => {
    const first = path.join(dir, 'first.json');
    expect(await build([dir, '--out', first])).toBe(0);
    const again = path.join(dir, 'again.json');
    expect(await build([dir, '--out', again])).toBe(0);
    expect(await readFile(again, 'utf8')).toBe(await readFile(first, 'utf8'));

    // The same data written another way: keys reordered, block style instead of flow style.
    await writeFile(
      path.join(dir, 'rules/leadpact.yaml'),
      [
        '# yaml-language-server: $schema=../schema/project.schema.json',
        'teams:',
        '  sales: { members: [ben], github: "@fernhill/sales", label: Sales }',
        '  marketing:',
        '    members:',
        '      - ana',
        '    label: Marketing',
        '    github: "@fernhill/marketing"',
        'timezone: Europe/Madrid',
        "version: '0.1.0'",
        'name: Fernhill test rules',
        'kind: project',
        '',
      ].join('\n'),
    );
    const reordered = path.join(dir, 'reordered.json');
    expect(await build([dir, '--out', reordered])).toBe(0);
    expect(await readFile(reordered, 'utf8')).toBe(await readFile(first, 'utf8'));
    // A Windows checkout (CRLF line ends) gives the same bytes too.
    for (const file of ['rules/fields.yaml', 'rules/lifecycle.yaml', 'rules/scoring/fit.yaml', 'rules/sla.yaml']) {
      const full = path.join(dir, file);
      await writeFile(full, (await readFile(full, 'utf8')).replace(/\n/g, '\r\n'));
    }
    const crlf = path.join(dir, 'crlf.json');
    expect(await build([dir, '--out', crlf])).toBe(0);
    expect(await readFile(crlf, 'utf8')).toBe(await readFile(first, 'utf8'));
    // No timestamps or absolute paths in the bundle.
    const text = await readFile(first, 'utf8');
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
    expect(text).not.toContain(dir);
  });

  it('changes the hash when a rule changes', async () => {
    const before = path.join(dir, 'before.json');
    expect(await build([dir, '--out', before])).toBe(0);
    const fit = path.join(dir, 'rules/scoring/fit.yaml');
    await writeFile(fit, (await readFile(fit, 'utf8')).replace('points: 40', 'points: 41'));
    const after = path.join(dir, 'after.json');
    expect(await build([dir, '--out', after])).toBe(0);
    expect((await readBundle(after)).hash).not.toBe((await readBundle(before)).hash);
  });

  it('records the commit only while every rules file is as committed', async () => {
    git(dir, 'init', '-q');
    git(dir, 'add', 'rules');
    git(dir, 'commit', '-q', '-m', 'rules');
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    expect(await cleanCommit(dir)).toBe(head);
    // Files beside the rules do not matter; an untracked, ignored or modified rules file does.
    await writeFile(path.join(dir, 'notes.txt'), 'hello\n');
    expect(await cleanCommit(dir)).toBe(head);
    await writeFile(path.join(dir, 'rules/CHANGELOG.md'), '# Changes\n');
    expect(await cleanCommit(dir)).toBe(head);
    await writeFile(path.join(dir, 'rules/scoring/extra.yaml'), 'kind: scoring-model\n');
    expect(await cleanCommit(dir)).toBeNull();
    await rm(path.join(dir, 'rules/scoring/extra.yaml'));
    await writeFile(path.join(dir, '.gitignore'), 'rules/scoring/local.yaml\n');
    await writeFile(path.join(dir, 'rules/scoring/local.yaml'), 'kind: scoring-model\n');
    expect(await cleanCommit(dir)).toBeNull();
    await rm(path.join(dir, 'rules/scoring/local.yaml'));
    const fit = path.join(dir, 'rules/scoring/fit.yaml');
    await writeFile(fit, `${await readFile(fit, 'utf8')}# a comment\n`);
    expect(await cleanCommit(dir)).toBeNull();
    git(dir, 'commit', '-q', '-am', 'comment');

    const file = path.join(dir, 'bundle.json');
    expect(await build([dir, '--out', file])).toBe(0);
    expect((await readBundle(file)).commit).toBe(git(dir, 'rev-parse', 'HEAD').trim());
    expect(out.join('')).toContain(`commit ${git(dir, 'rev-parse', 'HEAD').trim()}\n`);
  });

  it('gives a null commit outside a git repository', async () => {
    expect(await cleanCommit(dir)).toBeNull();
  });

  it('exits 1 on invalid rules, prints the problems and leaves an earlier bundle untouched', async () => {
    const file = path.join(dir, 'bundle.json');
    expect(await build([dir, '--out', file])).toBe(0);
    const before = await readFile(file, 'utf8');
    const fit = path.join(dir, 'rules/scoring/fit.yaml');
    await writeFile(fit, (await readFile(fit, 'utf8')).replace('field: title', 'field: titel'));
    expect(await build([dir, '--out', file])).toBe(1);
    expect(err.join('')).toMatch(/rules\/scoring\/fit\.yaml:\d+:\d+: unknown field titel; did you mean title\?\n1 error in 1 file; no bundle written\n$/);
    expect(await readFile(file, 'utf8')).toBe(before);
  });
});
