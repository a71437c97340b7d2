// The options page's "CRM sync" section (connector, endpoint, token, preset, interval, "Sync now",
// the last sync and error) and the feedback webhook URL. The CRM and webhook origins are optional
// host permissions, asked for first thing in the click (browsers grant them only during it).
import { useEffect, useState } from 'preact/hooks';
import type { Bundle } from '../../engine/generated/rules';
import { formatAge } from '../../background/crm-age';
import { crmOrigin } from '../../background/crm-http';
import type { CrmSyncView } from '../../lib/protocol';
import { FieldNote, noteId } from './FieldNote';
import type { CrmConfig, CrmSettings, WebhookSettings } from '../../lib/settings';

export interface CrmDeps {
  get(): Promise<CrmConfig>;
  save(change: Partial<CrmSettings>): Promise<CrmConfig>;
  /** permissions.request for `<origin>/*`, called before any await in the click. */
  requestOrigin(origin: string): Promise<boolean>;
  /** Asks the service worker to sync now. */
  sync(): Promise<CrmSyncView>;
  /** The last sync as the service worker recorded it. */
  state(): Promise<CrmSyncView | null>;
  webhook: { get(): Promise<WebhookSettings>; save(url: string): Promise<WebhookSettings> };
  now?: () => number;
}

type Message = { kind: 'ok' | 'error'; text: string } | null;

const intervals = [15, 30, 60, 240];

/** The origin of an https URL (or http on this machine, for a local proxy), else null: the worker's own check. */
function allowedOrigin(text: string): string | null {
  const checked = crmOrigin(text.trim());
  return checked.ok ? checked.url.origin : null;
}

export function CrmSection({ crm, bundle }: { crm: CrmDeps; bundle: Bundle | null }) {
  const now = crm.now ?? Date.now;
  const [config, setConfig] = useState<CrmConfig | null>(null);
  const [form, setForm] = useState<CrmSettings | null>(null);
  const [last, setLast] = useState<CrmSyncView | null>(null);
  const [webhookUrl, setWebhookUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  const [hookMessage, setHookMessage] = useState<Message>(null);

  const show = (loaded: CrmConfig) => {
    setConfig(loaded);
    const { locked: _locked, ...settings } = loaded;
    setForm(settings);
  };
  useEffect(() => {
    void crm.get().then(show, (error: unknown) => setMessage({ kind: 'error', text: `The CRM settings cannot be read: ${messageOf(error)}` }));
    void crm.state().then(setLast, () => undefined);
    void crm.webhook.get().then((hook) => setWebhookUrl(hook.url), () => undefined);
  }, []);

  const presets = (bundle?.mappings ?? []).filter((mapping) => mapping.records === 'leads');
  const set = (change: Partial<CrmSettings>) => setForm((current) => (current ? { ...current, ...change } : current));

  /** Save, and with `sync` also sync now. Permission first, while the click lasts. */
  const run = (sync: boolean) => {
    if (!form || !config || busy) return;
    const endpoint = config.locked.endpoint ? config.endpoint : form.endpoint.trim();
    const origin = endpoint ? allowedOrigin(endpoint) : null;
    if (endpoint && !origin) {
      setMessage({ kind: 'error', text: 'The CRM endpoint must be an https:// address.' });
      return;
    }
    const permission = origin ? crm.requestOrigin(origin) : Promise.resolve(true);
    setBusy(true);
    setMessage(null);
    void (async () => {
      try {
        const granted = await permission.catch(() => false);
        const saved = await crm.save({ ...form, endpoint });
        show(saved);
        if (!saved.endpoint) {
          setMessage({ kind: 'ok', text: 'Saved. CRM sync is off.' });
          return;
        }
        if (!granted) {
          setMessage({ kind: 'error', text: `Saved, but Leadpact was not allowed to read from ${origin}: nothing is synced until you allow it.` });
          return;
        }
        if (!sync) {
          setMessage({ kind: 'ok', text: `Saved. The next sync is within ${saved.intervalMinutes} minutes.` });
          return;
        }
        const state = await crm.sync();
        setLast(state);
        setMessage(state.lastError ? { kind: 'error', text: `The sync failed: ${state.lastError.message}. The leads from the last good sync are kept.` } : { kind: 'ok', text: `Synced ${state.lastCount ?? 0} leads${state.lastRemoved ? `; removed ${state.lastRemoved} deleted in the CRM` : ''}.` });
      } catch (error) {
        setMessage({ kind: 'error', text: `Nothing was synced: ${messageOf(error)}` });
      } finally {
        setBusy(false);
      }
    })();
  };

  const saveWebhook = (event: Event) => {
    event.preventDefault();
    const wanted = webhookUrl.trim();
    const origin = wanted ? allowedOrigin(wanted) : null;
    if (wanted && !origin) {
      setHookMessage({ kind: 'error', text: 'The webhook URL must be an https:// address.' });
      return;
    }
    const permission = origin ? crm.requestOrigin(origin) : Promise.resolve(true);
    void (async () => {
      const granted = await permission.catch(() => false);
      const saved = await crm.webhook.save(wanted);
      setWebhookUrl(saved.url);
      setHookMessage(
        !saved.url
          ? { kind: 'ok', text: 'Saved. Decisions are not sent anywhere.' }
          : granted
            ? { kind: 'ok', text: 'Saved. Each accept and reject from now on is sent to this URL.' }
            : { kind: 'error', text: `Saved, but Leadpact was not allowed to send to ${origin}: decisions wait until you allow it.` },
      );
    })().catch((error: unknown) => setHookMessage({ kind: 'error', text: `Not saved: ${messageOf(error)}` }));
  };

  const locked = config?.locked.endpoint ?? false;
  const disabled = !form || busy;
  return (
    <section class="card" aria-labelledby="crm-title">
      <h2 id="crm-title">CRM sync</h2>
      <p class="muted">Leads are read from your CRM on a schedule and merged with the leads here. If the CRM cannot be reached, the leads from the last good sync stay.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          run(false);
        }}
      >
        <div class="field">
          <label for="crm-kind">CRM</label>
          <select id="crm-kind" value={form?.kind ?? 'hubspot'} disabled={disabled} onChange={(event) => set({ kind: (event.currentTarget as HTMLSelectElement).value as CrmSettings['kind'] })}>
            <option value="hubspot">HubSpot</option>
            <option value="rest">Other (REST endpoint)</option>
          </select>
        </div>
        <div class="field">
          <label for="crm-endpoint">{form?.kind === 'rest' ? 'Records URL' : 'API address'}</label>
          <input
            id="crm-endpoint"
            type="text"
            inputMode="url"
            spellcheck={false}
            maxLength={2048}
            value={locked ? (config?.endpoint ?? '') : (form?.endpoint ?? '')}
            disabled={disabled || locked}
            aria-describedby={noteId('crm-endpoint', locked, false)}
            placeholder={form?.kind === 'rest' ? 'https://crm.example.com/api/contacts' : 'https://api.hubapi.com'}
            onInput={(event) => set({ endpoint: (event.currentTarget as HTMLInputElement).value })}
          />
          <FieldNote id="crm-endpoint" locked={locked} />
        </div>
        <div class="field">
          <label for="crm-token">Access token</label>
          <input id="crm-token" type="password" autocomplete="off" spellcheck={false} maxLength={4096} value={form?.token ?? ''} disabled={disabled} onInput={(event) => set({ token: (event.currentTarget as HTMLInputElement).value })} />
          <p class="hint">Kept in this browser only and sent only to the CRM address above.</p>
        </div>
        {form?.kind === 'rest' && (
          <>
            <div class="field">
              <label for="crm-mapping">Field mapping</label>
              <select id="crm-mapping" value={form.mapping} disabled={disabled} onChange={(event) => set({ mapping: (event.currentTarget as HTMLSelectElement).value })}>
                {presets.map((preset) => (
                  <option key={preset.id} value={preset.id}>
                    {preset.label}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="crm-path">Path to the records</label>
              <input id="crm-path" type="text" spellcheck={false} maxLength={200} value={form.recordsPath} disabled={disabled} placeholder="data.contacts" onInput={(event) => set({ recordsPath: (event.currentTarget as HTMLInputElement).value })} />
              <p class="hint">Where the list is in the answer, dotted; empty if the answer is the list.</p>
            </div>
          </>
        )}
        <div class="field">
          <label for="crm-interval">Sync every</label>
          <select id="crm-interval" value={String(form?.intervalMinutes ?? 30)} disabled={disabled} onChange={(event) => set({ intervalMinutes: Number((event.currentTarget as HTMLSelectElement).value) })}>
            {intervals.map((minutes) => (
              <option key={minutes} value={String(minutes)}>
                {minutes < 60 ? `${minutes} minutes` : `${minutes / 60} ${minutes === 60 ? 'hour' : 'hours'}`}
              </option>
            ))}
          </select>
        </div>
        <div class="row-controls">
          <button type="submit" class="button" disabled={disabled}>
            Save
          </button>
          <button type="button" class="button button-primary" disabled={disabled} onClick={() => run(true)}>
            Sync now
          </button>
        </div>
      </form>
      {last?.endpoint && (
        <p class="muted small" data-testid="crm-last">
          Last sync: {formatAge(last.lastSync, now())}
          {last.lastCount !== null && last.lastSync ? ` (${last.lastCount} leads${last.lastRemoved ? `, ${last.lastRemoved} removed as deleted in the CRM` : ''}${last.skipped ? `, ${last.skipped} records skipped` : ''})` : ''}
          {last.lastError ? ` · last error ${formatAge(last.lastError.at, now())}: ${last.lastError.message}` : ''}
        </p>
      )}
      {message && (
        <p class={`notice ${message.kind === 'ok' ? 'notice-ok' : 'notice-error'}`} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      <form onSubmit={saveWebhook}>
        <div class="field">
          <label for="webhook-url">Feedback webhook</label>
          <input id="webhook-url" type="text" inputMode="url" spellcheck={false} maxLength={2048} value={webhookUrl} placeholder="https://hooks.example.com/leadpact" onInput={(event) => setWebhookUrl((event.currentTarget as HTMLInputElement).value)} />
          <p class="hint">Each accept and reject is POSTed here as JSON; kept and retried while the address cannot be reached. Empty: off.</p>
        </div>
        <div class="row-controls">
          <button type="submit" class="button">
            Save webhook
          </button>
        </div>
      </form>
      {hookMessage && (
        <p class={`notice ${hookMessage.kind === 'ok' ? 'notice-ok' : 'notice-error'}`} role={hookMessage.kind === 'ok' ? 'status' : 'alert'}>
          {hookMessage.text}
        </p>
      )}
    </section>
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
