// The options page: wires OptionsApp to the lead store (the same IndexedDB database as the
// service worker: one extension origin), the active rules and the background's messages.
import embeddedBundle from 'virtual:leadpact/embedded-rules';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { collect, exportFeedback, exportLeads } from '../../background/export';
import { createRulesProvider } from '../../background/rules';
import { LeadStore } from '../../background/store';
import { sendMessage } from '../../lib/messaging';
import { getPolicy } from '../../lib/policy';
import { getCrmConfig, getRemoteRulesConfig, getSettings, getWebhookSettings, saveCrmSettings, saveRemoteRulesSettings, saveSettings, saveWebhookUrl } from '../../lib/settings';
import { OptionsApp, type OptionsDeps } from './OptionsApp';
import './style.css';

let store: Promise<LeadStore> | undefined;
let opened: LeadStore | undefined;
const openStore = () => {
  // Closed under us (a newer schema opening elsewhere: versionchange): open again on next use.
  if (opened && !opened.isOpen) store = opened = undefined;
  return (store ??= LeadStore.open().then((next) => (opened = next)));
};

/**
 * One `status` request for the sections that ask together (remote rules and CRM mount at once;
 * each status answer also builds the SLA queue): callers while one is in flight share it.
 */
let statusInFlight: ReturnType<typeof sendMessage<'status'>> | null = null;
function status(): ReturnType<typeof sendMessage<'status'>> {
  statusInFlight ??= sendMessage('status', {}).finally(() => {
    statusInFlight = null;
  });
  return statusInFlight;
}

const deps: OptionsDeps = {
  openStore,
  rules: async () => (await createRulesProvider(embeddedBundle).active()).bundle,
  leadsChanged: async () => {
    await sendMessage('leadsChanged', {});
  },
  getSettings,
  saveSettings,
  exportData: async (what) => {
    const parts = await collect(what === 'leads' ? exportLeads(await openStore()) : exportFeedback(await openStore()));
    download(`leadpact-${what}-${new Date().toISOString().slice(0, 10)}.jsonl`, parts);
  },
  remoteRules: {
    get: getRemoteRulesConfig,
    save: saveRemoteRulesSettings,
    requestOrigin: (origin) => browser.permissions.request({ origins: [`${origin}/*`] }),
    check: () => sendMessage('checkRules', {}),
    state: async () => (await status()).remoteRules ?? null,
  },
  crm: {
    get: getCrmConfig,
    save: saveCrmSettings,
    requestOrigin: (origin) => browser.permissions.request({ origins: [`${origin}/*`] }),
    sync: () => sendMessage('syncCrm', {}),
    state: async () => (await status()).crmSync ?? null,
    webhook: { get: getWebhookSettings, save: (url) => saveWebhookUrl(url) },
  },
  policy: getPolicy,
};

function download(name: string, parts: string[]): void {
  const url = URL.createObjectURL(new Blob(parts, { type: 'application/x-ndjson' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

render(<OptionsApp deps={deps} />, document.getElementById('app')!);
