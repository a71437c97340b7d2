// The active rules: a verified remote bundle when one is stored, else the bundle embedded at build
// time. Compiled once per bundle hash per worker start (MV3 workers stop when idle, so the
// compiled form is only ever a cache; the bundles themselves live in the build and in storage).
import { storage } from 'wxt/utils/storage';
import { compileRules, type CompiledRules } from '../engine/index';
import type { Bundle } from '../engine/generated/rules';
import { keptUntilChanged } from '../lib/kept';
import { indexLabels, type RuleLabels } from './labels';
import { compareVersions } from './remote-rules-version';

export interface ActiveRules {
  bundle: Bundle;
  compiled: CompiledRules;
  labels: RuleLabels;
  source: 'embedded' | 'remote';
  version: string;
  hash: string;
  /** Why the rules are not what one would expect (a stored bundle that could not be used), for the popup. */
  note: string | null;
}

/**
 * The seam for remote rules (a later issue): the sync writes a bundle here only after checking
 * its Ed25519 signature and that its version is newer. This module trusts what it finds only as
 * far as compiling it; anything unusable falls back to the embedded bundle with a note.
 */
export interface VerifiedRules {
  bundle: Bundle;
  verifiedAt: string;
  url: string;
}
export const verifiedRulesItem = storage.defineItem<VerifiedRules | null>('local:rules.verified', { fallback: null });

export interface RulesProvider {
  /** The rules to score with now. */
  active(): Promise<ActiveRules>;
  /** The bundle shipped in the build. */
  embedded(): ActiveRules;
  /**
   * Compiles a remote bundle before it is stored (throws when it does not compile) and keeps the
   * compiled form, so the `active()` that finds it stored does not compile it again.
   */
  compileRemote(bundle: Bundle): void;
  /** The stored remote bundle is about to change: read it again next time (storage events follow, later). */
  forgetStored(): void;
}

/** Where the provider reads the stored remote bundle, and hears that it changed (tests pass their own). */
export interface VerifiedSource {
  read(): Promise<unknown>;
  /** Calls back whenever the stored value changes (in this or another extension context); returns the unsubscribe. */
  watch(onChange: () => void): () => void;
}

const storedVerified: VerifiedSource = {
  read: () => verifiedRulesItem.getValue(),
  watch: (onChange) => verifiedRulesItem.watch(() => onChange()),
};

export function createRulesProvider(embeddedBundle: Bundle, source: VerifiedSource = storedVerified): RulesProvider {
  const byHash = new Map<string, ActiveRules>();
  // The stored remote bundle is read once and kept until storage says it changed: every lookup
  // asks for the active rules, and the sample bundle alone is 60 KB to read back and clone from
  // storage each time.
  const verified = keptUntilChanged(() => source.read(), (onChange) => source.watch(onChange));

  const prepare = (bundle: Bundle, source: ActiveRules['source'], note: string | null): ActiveRules => {
    const key = `${source}:${bundle.hash}`;
    let rules = byHash.get(key);
    if (!rules) {
      rules = { bundle, compiled: compileRules(bundle), labels: indexLabels(bundle), source, version: bundle.version, hash: bundle.hash, note };
      // At most the embedded bundle and one remote one are in use; drop superseded remote ones.
      for (const old of byHash.keys()) if (old.startsWith('remote:')) byHash.delete(old);
      byHash.set(key, rules);
    }
    return note === rules.note ? rules : { ...rules, note };
  };

  const embedded = () => prepare(embeddedBundle, 'embedded', null);

  return {
    embedded,
    compileRemote(bundle) {
      prepare(bundle, 'remote', null);
    },
    forgetStored() {
      verified.forget();
    },
    async active() {
      let stored: unknown;
      try {
        stored = await verified.get();
      } catch {
        return prepare(embeddedBundle, 'embedded', 'stored remote rules could not be read; using the rules shipped with the extension');
      }
      if (stored === null || stored === undefined) return embedded();
      const bundle = (stored as Partial<VerifiedRules>).bundle;
      if (!looksLikeBundle(bundle)) {
        return prepare(embeddedBundle, 'embedded', 'stored remote rules are not a rules bundle; using the rules shipped with the extension');
      }
      // An extension update can ship rules newer than the stored remote bundle: the newer one wins.
      if ((compareVersions(bundle.version, embeddedBundle.version) ?? 0) < 0) return embedded();
      try {
        return prepare(bundle, 'remote', null);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return prepare(embeddedBundle, 'embedded', `stored remote rules ${bundle.version} do not compile (${reason}); using the rules shipped with the extension`);
      }
    },
  };
}

function looksLikeBundle(value: unknown): value is Bundle {
  if (value === null || typeof value !== 'object') return false;
  const bundle = value as Partial<Bundle>;
  return bundle.kind === 'bundle' && bundle.format === 1 && typeof bundle.hash === 'string' && typeof bundle.version === 'string';
}
