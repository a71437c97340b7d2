import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, test } from 'vitest';
import { compareVersions } from '../../../extension/background/remote-rules-version';

// The service worker keeps its own small comparison rather than bundling `semver`; it must order
// versions exactly as the CLI's `semver` does.
const identifier = fc.oneof(fc.nat({ max: 20 }).map(String), fc.constantFrom('alpha', 'beta', 'rc', 'x-1', 'A', 'a', '0a', '00', '01'));
const version = fc
  .tuple(fc.nat({ max: 12 }), fc.nat({ max: 12 }), fc.nat({ max: 12 }), fc.option(fc.array(identifier, { minLength: 1, maxLength: 3 }), { nil: undefined }), fc.option(fc.constantFrom('build.1', '0a'), { nil: undefined }))
  .map(([major, minor, patch, pre, build]) => `${major}.${minor}.${patch}${pre ? `-${pre.join('.')}` : ''}${build ? `+${build}` : ''}`);

describe('compareVersions', () => {
  test('orders semantic versions as the semver package does (build metadata ignored), and refuses what it refuses', () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        const valid = semver.valid(a) !== null && semver.valid(b) !== null;
        expect(compareVersions(a, b)).toBe(valid ? semver.compare(a, b) : null);
      }),
      { numRuns: 2000 },
    );
  });

  test('is null when either side is not a strict semantic version (no "v" prefix, no leading zeros)', () => {
    for (const bad of ['1.2', 'v1.2.3', '01.2.3', '1.2.3-', '1.2.3-01', '']) {
      expect(compareVersions(bad, '1.0.0'), bad).toBeNull();
      expect(compareVersions('1.0.0', bad), bad).toBeNull();
    }
  });
});
