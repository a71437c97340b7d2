// The options page: import leads (all or nothing, with the rows that were wrong), per-site
// switches, the rep's name, export of leads and feedback, and clearing the data. Everything it
// touches comes in through `deps`, so the page is tested with a fake store and fake messages.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Bundle, MappingFile } from '../../engine/generated/rules';
import type { ImportSummary, MetaValues } from '../../background/db';
import { importFile, type ImportProgress, type ImportResult } from '../../background/import';
import type { LeadStore } from '../../background/store';
import { lockedSites, type ManagedPolicy, type RemoteRulesConfig } from '../../lib/policy';
import { CrmSection, type CrmDeps } from './CrmSection';
import { FieldNote, noteId } from './FieldNote';
import type { RemoteRulesView } from '../../lib/protocol';
import { siteIds, type Settings, type SiteId } from '../../lib/settings';
import { formatDateTime } from '../../ui/format';

export interface OptionsDeps {
  openStore(): Promise<LeadStore>;
  /** The rules in use (embedded, or a verified remote bundle): mapping presets, fields, stages. */
  rules(): Promise<Bundle>;
  /** Tells the service worker the lead store changed. */
  leadsChanged(): Promise<void>;
  getSettings(): Promise<Settings>;
  saveSettings(change: { sites?: Partial<Record<SiteId, boolean>>; repName?: string }): Promise<Settings>;
  exportData(what: 'leads' | 'feedback'): Promise<void>;
  /** Remote rules (URL and public keys); the section is left out without them. */
  remoteRules?: RemoteRulesDeps;
  /** CRM sync and the feedback webhook (CrmSection.tsx); the section is left out without them. */
  crm?: CrmDeps;
  /** The enterprise policy (managed storage): what it sets is shown locked. */
  policy?(): Promise<ManagedPolicy>;
}

export interface RemoteRulesDeps {
  get(): Promise<RemoteRulesConfig>;
  save(change: { url: string; publicKeys: string[] }): Promise<RemoteRulesConfig>;
  /** permissions.request for `<origin>/*`: called first thing in the click, while the user gesture lasts. */
  requestOrigin(origin: string): Promise<boolean>;
  /** Asks the service worker to fetch and check the bundle now. */
  check(): Promise<RemoteRulesView>;
  /** The last check, as the service worker recorded it. */
  state(): Promise<RemoteRulesView | null>;
}

const siteLabels: Record<SiteId, { label: string; hint: string }> = {
  gmail: { label: 'Gmail', hint: 'Thread list and opened messages' },
  outlook: { label: 'Outlook on the web', hint: 'Message list and reading pane' },
  linkedin: { label: 'LinkedIn', hint: 'Profiles, messaging, search and Sales Navigator' },
};

const numbers = new Intl.NumberFormat();

interface StoreState {
  leadCount: number;
  lastImport: ImportSummary | null;
}

export function OptionsApp({ deps }: { deps: OptionsDeps }) {
  const [bundle, setBundle] = useState<Bundle | null>(null);
  const [storeState, setStoreState] = useState<StoreState | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  const refreshStore = async () => {
    const store = await deps.openStore();
    const [leadCount, lastImport] = await Promise.all([store.leadCount(), store.meta('lastImport')]);
    setStoreState({ leadCount, lastImport: lastImport ?? null });
  };

  useEffect(() => {
    Promise.all([deps.rules().then(setBundle), refreshStore()]).catch((error: unknown) => setLoadError(messageOf(error)));
  }, []);

  return (
    <div class="page">
      <header class="page-header">
        <h1>Leadpact</h1>
        <p class="muted">
          {bundle ? `Rules ${bundle.name} ${bundle.version}` : 'Loading rules…'}
          {storeState ? ` · ${numbers.format(storeState.leadCount)} ${storeState.leadCount === 1 ? 'lead' : 'leads'}` : ''}
        </p>
      </header>
      {loadError && (
        <p class="notice notice-error" role="alert">
          Leadpact could not open its data: {loadError}
        </p>
      )}
      <main>
        <ImportSection deps={deps} bundle={bundle} storeState={storeState} onImported={refreshStore} />
        <SitesSection deps={deps} />
        {deps.remoteRules && <RemoteRulesSection remote={deps.remoteRules} />}
        {deps.crm && <CrmSection crm={deps.crm} bundle={bundle} />}
        <DataSection deps={deps} storeState={storeState} onCleared={refreshStore} />
        <DiagnosticsSection deps={deps} />
      </main>
    </div>
  );
}

type ImportState =
  | { state: 'idle' }
  | { state: 'working'; fileName: string; progress: ImportProgress | null }
  | { state: 'done'; result: Extract<ImportResult, { ok: true }> }
  | { state: 'failed'; fileName: string; result: Extract<ImportResult, { ok: false }> | null; error: string | null };

function ImportSection({ deps, bundle, storeState, onImported }: { deps: OptionsDeps; bundle: Bundle | null; storeState: StoreState | null; onImported: () => Promise<void> }) {
  const [preset, setPreset] = useState('');
  const [mode, setMode] = useState<'replace' | 'merge'>('replace');
  const [status, setStatus] = useState<ImportState>({ state: 'idle' });
  const fileInput = useRef<HTMLInputElement>(null);
  const mappings: MappingFile[] = bundle?.mappings ?? [];
  const mapping = mappings.find((candidate) => candidate.id === preset) ?? null;
  const busy = status.state === 'working';

  const onFile = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file || !bundle) return;
    setStatus({ state: 'working', fileName: file.name, progress: null });
    try {
      const text = await file.text();
      const store = await deps.openStore();
      const result = await importFile(
        store,
        { fileName: file.name, text, mapping, mode },
        {
          fields: bundle.fields,
          stageOrder: bundle.lifecycle.stages.map((stage) => stage.id),
          onProgress: (progress) => setStatus({ state: 'working', fileName: file.name, progress }),
        },
      );
      if (result.ok) {
        setStatus({ state: 'done', result });
        await onImported();
        await deps.leadsChanged().catch(() => undefined); // the worker's cache also goes stale by revision
      } else {
        setStatus({ state: 'failed', fileName: file.name, result, error: result.error ?? null });
      }
    } catch (error) {
      setStatus({ state: 'failed', fileName: file.name, result: null, error: messageOf(error) });
    } finally {
      // The same file can be chosen again after fixing it.
      input.value = '';
    }
  };

  return (
    <section class="card" aria-labelledby="import-title">
      <h2 id="import-title">Import leads</h2>
      <p class="muted">
        A JSON Lines or JSON file of Leadpact lead records, or a CRM export read through a mapping preset. Every row is checked
        first: if any row is wrong, nothing changes.
      </p>
      {storeState?.lastImport && (
        <p class="muted small">
          Last import: {storeState.lastImport.source === 'samples' ? 'the sample leads' : storeState.lastImport.name}, {numbers.format(storeState.lastImport.count)}{' '}
          records, {formatDateTime(storeState.lastImport.at)}
        </p>
      )}
      <div class="field">
        <label for="import-preset">File format</label>
        <select id="import-preset" value={preset} disabled={busy} onChange={(event) => setPreset((event.currentTarget as HTMLSelectElement).value)}>
          <option value="">Leadpact lead records (JSON Lines or JSON)</option>
          {mappings.map((candidate) => (
            <option key={candidate.id} value={candidate.id}>
              {candidate.label} ({candidate.format.toUpperCase()}{candidate.records === 'events' ? ', adds activity to existing leads' : ''})
            </option>
          ))}
        </select>
        {mapping?.description && <p class="hint">{mapping.description}</p>}
      </div>
      {mapping?.records !== 'events' && (
        <fieldset class="field" disabled={busy}>
          <legend>The leads in the file</legend>
          <label class="choice">
            <input type="radio" name="import-mode" value="replace" checked={mode === 'replace'} onChange={() => setMode('replace')} />
            Replace all leads
          </label>
          <label class="choice">
            <input type="radio" name="import-mode" value="merge" checked={mode === 'merge'} onChange={() => setMode('merge')} />
            Add new leads and update those with the same id
          </label>
        </fieldset>
      )}
      <div class="field">
        <label for="import-file" class="button button-primary file-button" aria-disabled={busy || !bundle}>
          Import leads
        </label>
        <input
          id="import-file"
          ref={fileInput}
          class="visually-hidden-file"
          type="file"
          accept={mapping ? (mapping.format === 'csv' ? '.csv,.tsv,.txt,text/csv' : '.json,application/json') : '.jsonl,.ndjson,.json,application/json'}
          disabled={busy || !bundle}
          onChange={onFile}
        />
      </div>
      <ImportStatus status={status} />
    </section>
  );
}

function ImportStatus({ status }: { status: ImportState }) {
  if (status.state === 'idle') return <div role="status" aria-live="polite" />;
  if (status.state === 'working') {
    const { progress } = status;
    const label = !progress
      ? `Reading ${status.fileName}…`
      : progress.phase === 'waiting'
        ? 'Waiting for another import to finish (on a new install, the sample leads)…'
        : progress.phase === 'reading' ? `Checking rows: ${numbers.format(progress.done)} of ${numbers.format(progress.total)}` : `Saving leads: ${numbers.format(progress.done)} of ${numbers.format(progress.total)}`;
    return (
      <div class="progress" role="status" aria-live="polite">
        <progress aria-label="Import progress" max={progress?.total || 1} value={progress && progress.phase !== 'waiting' ? progress.done : undefined} />
        <span>{label}</span>
      </div>
    );
  }
  if (status.state === 'done') {
    const { summary, rows } = status.result;
    const what = summary.mode === 'events' ? `activity on ${numbers.format(summary.count)} leads` : `${numbers.format(summary.count)} leads`;
    return (
      <p class="notice notice-ok" role="status" aria-live="polite">
        Imported {what} from {summary.name} ({numbers.format(rows)} rows).
      </p>
    );
  }
  const { result } = status;
  const problems = result?.problems ?? [];
  const more = (result?.problemCount ?? 0) - problems.length;
  return (
    <div class="notice notice-error" role="alert">
      <p>
        <strong>Nothing was imported from {status.fileName}.</strong>{' '}
        {status.error ?? ''}
        {problems.length > 0 && ` ${result!.problemCount === 1 ? '1 row is' : `${numbers.format(result!.problemCount)} rows are`} wrong; fix ${result!.problemCount === 1 ? 'it' : 'them'} and import the file again.`}
      </p>
      {problems.length > 0 && (
        <ul class="problems">
          {problems.map((problem) => (
            <li key={problem.row}>
              <span class="row">Row {problem.row}</span> {problem.message}
            </li>
          ))}
          {more > 0 && <li>…and {numbers.format(more)} more</li>}
        </ul>
      )}
    </div>
  );
}

function SitesSection({ deps }: { deps: OptionsDeps }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [repName, setRepName] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [locked, setLocked] = useState<Partial<Record<SiteId, boolean>>>({});

  useEffect(() => {
    void deps.getSettings().then((loaded) => {
      setSettings(loaded);
      setRepName(loaded.repName);
    });
    void deps.policy?.().then((policy) => setLocked(lockedSites(policy)), () => undefined);
  }, []);

  const toggle = async (site: SiteId, on: boolean) => {
    const next = await deps.saveSettings({ sites: { [site]: on } });
    setSettings(next);
    setSaved(`${siteLabels[site].label} ${on ? 'on' : 'off'}`);
  };

  const saveName = async (event: Event) => {
    event.preventDefault();
    const next = await deps.saveSettings({ repName });
    setSettings(next);
    setRepName(next.repName);
    setSaved(next.repName ? `Name saved: ${next.repName}` : 'Name cleared');
  };

  return (
    <section class="card" aria-labelledby="sites-title">
      <h2 id="sites-title">Where Leadpact shows leads</h2>
      <ul class="switches">
        {siteIds.map((site) => (
          <li key={site}>
            <label class="switch">
              <input
                type="checkbox"
                role="switch"
                checked={settings?.sites[site] ?? true}
                aria-checked={settings?.sites[site] ?? true}
                disabled={!settings || locked[site] !== undefined}
                aria-describedby={noteId(`site-${site}`, locked[site] !== undefined, false)}
                onChange={(event) => void toggle(site, (event.currentTarget as HTMLInputElement).checked)}
              />
              <span class="switch-track" aria-hidden="true" />
              <span>
                <span class="switch-label">{siteLabels[site].label}</span>
                <span class="hint">{siteLabels[site].hint}</span>
                <FieldNote id={`site-${site}`} locked={locked[site] !== undefined} inline />
              </span>
            </label>
          </li>
        ))}
      </ul>
      <form class="field inline" onSubmit={saveName}>
        <label for="rep-name">Your name or CRM login</label>
        <p class="hint" id="rep-name-hint">
          Recorded with your accepts and rejects, and picks your leads for the SLA queue in the toolbar popup. Empty: every lead.
        </p>
        <div class="row-controls">
          <input id="rep-name" type="text" value={repName} maxLength={200} aria-describedby="rep-name-hint" onInput={(event) => setRepName((event.currentTarget as HTMLInputElement).value)} />
          <button type="submit" class="button">
            Save
          </button>
        </div>
      </form>
      <p class="visually-hidden" role="status" aria-live="polite">
        {saved ?? ''}
      </p>
    </section>
  );
}

type RemoteMessage = { kind: 'ok' | 'error'; text: string } | null;

function RemoteRulesSection({ remote }: { remote: RemoteRulesDeps }) {
  const [config, setConfig] = useState<RemoteRulesConfig | null>(null);
  const [url, setUrl] = useState('');
  const [keys, setKeys] = useState('');
  const [last, setLast] = useState<RemoteRulesView | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<RemoteMessage>(null);

  const show = (loaded: RemoteRulesConfig) => {
    setConfig(loaded);
    setUrl(loaded.url);
    setKeys(loaded.publicKeys.join('\n'));
  };

  useEffect(() => {
    void remote.get().then(show, (error: unknown) => setMessage({ kind: 'error', text: `The remote rules settings cannot be read: ${messageOf(error)}` }));
    void remote.state().then(setLast, () => undefined);
  }, []);

  const onSubmit = (event: Event) => {
    event.preventDefault();
    if (!config || busy) return;
    const wanted = url.trim();
    let origin: string | null = null;
    if (wanted) {
      try {
        const parsed = new URL(wanted);
        if (parsed.protocol === 'https:') origin = parsed.origin;
      } catch {
        origin = null;
      }
      if (!origin) {
        setMessage({ kind: 'error', text: 'The rules URL must be an https:// address.' });
        return;
      }
    }
    // Before any await: browsers grant permissions.request only during the click itself.
    const permission = origin ? remote.requestOrigin(origin) : Promise.resolve(true);
    setBusy(true);
    setMessage(null);
    void (async () => {
      try {
        const granted = await permission.catch(() => false);
        const saved = await remote.save({ url: wanted, publicKeys: keys.split(/[\s,]+/) });
        show(saved);
        if (!saved.url) {
          setLast(await remote.check());
          setMessage({ kind: 'ok', text: 'Remote rules are off: the rules built into Leadpact are used.' });
          return;
        }
        if (!granted) {
          setMessage({ kind: 'error', text: `Saved, but Leadpact was not allowed to read from ${origin}: the rules cannot be fetched until you allow it.` });
          return;
        }
        const state = await remote.check();
        setLast(state);
        setMessage(state.outcome === 'refused' ? { kind: 'error', text: `Saved. The bundle was refused: ${state.refusal?.message ?? 'unknown reason'}.` } : { kind: 'ok', text: state.outcome === 'updated' ? 'Saved. The new rules are active.' : 'Saved. The rules in use are the newest.' });
      } catch (error) {
        setMessage({ kind: 'error', text: `Nothing was checked: ${messageOf(error)}` });
      } finally {
        setBusy(false);
      }
    })();
  };

  const urlLocked = config?.locked.url ?? false;
  const keysLocked = config?.locked.publicKeys ?? false;
  return (
    <section class="card" aria-labelledby="remote-title">
      <h2 id="remote-title">Remote rules</h2>
      <p class="muted">
        Your team's published rules, signed with their key. A bundle is used only if its signature checks out and its version is newer than the rules in use;
        otherwise the rules in use stay.
      </p>
      <form onSubmit={onSubmit}>
        <div class="field">
          <label for="remote-url">Rules URL</label>
          <input
            id="remote-url"
            type="text"
            inputMode="url"
            spellcheck={false}
            value={url}
            maxLength={2048}
            disabled={!config || urlLocked || busy}
            aria-describedby={noteId('remote-url', urlLocked)}
            placeholder="https://rules.example.com/leadpact/bundle.json"
            onInput={(event) => setUrl((event.currentTarget as HTMLInputElement).value)}
          />
          <FieldNote id="remote-url" locked={urlLocked}>
            The signature is read from the same address with .sig added. Empty: use the rules built into Leadpact.
          </FieldNote>
        </div>
        <div class="field">
          <label for="remote-keys">Public keys</label>
          <textarea
            id="remote-keys"
            rows={2}
            spellcheck={false}
            value={keys}
            disabled={!config || keysLocked || busy}
            aria-describedby={noteId('remote-keys', keysLocked)}
            placeholder="leadpact-ed25519:…"
            onInput={(event) => setKeys((event.currentTarget as HTMLTextAreaElement).value)}
          />
          <FieldNote id="remote-keys" locked={keysLocked}>
            One leadpact-ed25519 key per line; while a key is being replaced, list both the current and the next one.
          </FieldNote>
        </div>
        <div class="row-controls">
          <button type="submit" class="button button-primary" disabled={!config || busy}>
            {urlLocked && keysLocked ? 'Check now' : 'Save and check'}
          </button>
        </div>
      </form>
      {last && <RemoteRulesLast state={last} />}
      {message && (
        <p class={`notice ${message.kind === 'ok' ? 'notice-ok' : 'notice-error'}`} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  );
}

function RemoteRulesLast({ state }: { state: RemoteRulesView }) {
  if (state.outcome === 'off' || !state.checkedAt) return null;
  return (
    <p class="muted small" data-testid="remote-last">
      Last checked {formatDateTime(state.checkedAt) ?? state.checkedAt}:{' '}
      {state.outcome === 'refused' ? `refused (${state.refusal?.message ?? 'unknown reason'})` : state.outcome === 'updated' ? 'new rules taken' : 'up to date'}
    </p>
  );
}

/**
 * What the content scripts could not read (their private miss counts): per site and page part, how often and when
 * last. Catalogue ids only, never page text: what an admin needs to see that a site changed its
 * markup, and which part.
 */
function DiagnosticsSection({ deps }: { deps: OptionsDeps }) {
  const [misses, setMisses] = useState<Array<{ site: string; part: string; count: number; last: string }> | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    try {
      const store = await deps.openStore();
      const recorded: MetaValues['misses'] = (await store.meta('misses')) ?? {};
      setMisses(
        Object.entries(recorded)
          .map(([key, value]) => {
            const at = key.indexOf(':');
            return { site: key.slice(0, at), part: key.slice(at + 1), count: value.count, last: value.last };
          })
          .sort((a, b) => b.count - a.count || (a.last < b.last ? 1 : -1)),
      );
      setError(null);
    } catch (problem) {
      setError(messageOf(problem));
    }
  };

  useEffect(() => {
    void load();
  }, []);

  const siteName = (site: string) => siteLabels[site as SiteId]?.label ?? site;
  return (
    <section class="card" aria-labelledby="diagnostics-title">
      <h2 id="diagnostics-title">Page diagnostics</h2>
      <p class="muted">
        When Gmail, Outlook or LinkedIn change their pages, Leadpact may stop finding people there. It counts what it could not read, by page part (no page text,
        no personal data), so your administrator can tell which site changed.
      </p>
      {error && (
        <p class="notice notice-error" role="alert">
          The diagnostics could not be read: {error}
        </p>
      )}
      {misses && misses.length === 0 && <p>Nothing has failed to read so far.</p>}
      {misses && misses.length > 0 && (
        <table class="diagnostics">
          <thead>
            <tr>
              <th scope="col">Site</th>
              <th scope="col">Page part</th>
              <th scope="col">Times</th>
              <th scope="col">Last</th>
            </tr>
          </thead>
          <tbody>
            {misses.map((miss) => (
              <tr key={`${miss.site}:${miss.part}`}>
                <td>{siteName(miss.site)}</td>
                <td>
                  <code>{miss.part}</code>
                </td>
                <td>{numbers.format(miss.count)}</td>
                <td>{formatDateTime(miss.last)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div class="row-controls">
        <button type="button" class="button" onClick={() => void load()}>
          Refresh
        </button>
      </div>
    </section>
  );
}

function DataSection({ deps, storeState, onCleared }: { deps: OptionsDeps; storeState: StoreState | null; onCleared: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const exportData = async (what: 'leads' | 'feedback') => {
    try {
      await deps.exportData(what);
      setMessage({ kind: 'ok', text: what === 'leads' ? 'Leads exported.' : 'Feedback exported.' });
    } catch (error) {
      setMessage({ kind: 'error', text: `The export failed: ${messageOf(error)}` });
    }
  };

  const clear = async () => {
    try {
      const store = await deps.openStore();
      // An import under way (the first-run seeding, say) finishes first; then everything goes.
      await store.clearAll(() => setMessage({ kind: 'ok', text: 'Waiting for an import to finish before deleting…' }));
      setConfirming(false);
      await onCleared();
      await deps.leadsChanged().catch(() => undefined);
      setMessage({ kind: 'ok', text: 'All leads and decisions were deleted.' });
    } catch (error) {
      setMessage({ kind: 'error', text: `Nothing was deleted: ${messageOf(error)}` });
    }
  };

  return (
    <section class="card" aria-labelledby="data-title">
      <h2 id="data-title">Your data</h2>
      <p class="muted">Leads, decisions and diagnostics stay in this browser. Exports are JSON Lines files.</p>
      <div class="row-controls">
        <button type="button" class="button" onClick={() => void exportData('leads')}>
          Export leads
        </button>
        <button type="button" class="button" onClick={() => void exportData('feedback')}>
          Export feedback
        </button>
        {!confirming && (
          <button type="button" class="button button-danger" onClick={() => setConfirming(true)}>
            Clear data…
          </button>
        )}
      </div>
      {confirming && (
        <div class="confirm" role="group" aria-labelledby="confirm-text">
          <p id="confirm-text">
            Delete all {storeState ? numbers.format(storeState.leadCount) : ''} leads and every accept and reject from this browser? This cannot be undone; export first
            if you need them.
          </p>
          <div class="row-controls">
            <button type="button" class="button button-danger" onClick={() => void clear()}>
              Delete everything
            </button>
            <button type="button" class="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {message && (
        <p class={`notice ${message.kind === 'ok' ? 'notice-ok' : 'notice-error'}`} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
