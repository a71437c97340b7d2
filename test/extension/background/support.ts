// Invented rules, leads and senders for the background tests.
import type { Bundle, Lead } from '../../../extension/engine/generated/rules';
import { commitment, makeBundle, model, stage, whenRule, NOW_MS, HOUR } from '../../support/bundles';
import type { MessageSenderInfo, Reply } from '../../../extension/lib/messaging';
import { databaseName } from '../../../extension/background/db';
import { fakeBrowser } from './fake-env';

export { NOW_MS, HOUR };
export const MINUTE = 60_000;

/**
 * Stages subscriber < lead (has an email) < mql (score >= 60) < sal (manual) < sql; a VP title
 * scores `vpPoints`, 500+ employees 30; an MQL must get a first touch within 2 hours (warning
 * with 30 minutes left).
 */
export function testBundle(options: { version?: string; vpPoints?: number } = {}): Bundle {
  const version = options.version ?? '1.0.0';
  const bundle = makeBundle({
    models: [
      model('fit', [
        whenRule('vp-title', { field: 'title', contains: 'VP' }, options.vpPoints ?? 40),
        whenRule('big-company', { field: 'company.employees', gte: 500 }, 30),
      ]),
    ],
    stages: [
      stage('subscriber'),
      stage('lead', { field: 'email', exists: true }),
      stage('mql', { field: 'score.total', gte: 60 }),
      stage('sal', undefined, true),
      stage('sql', { field: 'properties.budget_confirmed', eq: true }),
    ],
    commitments: [{ ...commitment('first-touch', 'mql', ['email_sent', 'call'], '2h', '30m'), label: 'First touch' }],
  });
  bundle.version = version;
  bundle.project.version = version;
  bundle.hash = `sha256-${version.replace(/\D/g, '').padStart(64, '0')}${options.vpPoints ?? ''}`;
  bundle.lifecycle.rejectReasons = [
    { id: 'no-budget', label: 'No budget' },
    { id: 'wrong-persona', label: 'Wrong persona' },
  ];
  return bundle;
}

/** Ada: VP at a 1,200-person company, an MQL since an hour before NOW (first touch due in an hour). */
export function ada(extra: Partial<Lead> = {}): Lead {
  return {
    id: 'lead-ada',
    email: 'ada@acme.example',
    linkedin: 'ada-lovelace',
    name: 'Ada Lovelace',
    title: 'VP Engineering',
    company: { name: 'Acme Inc', domain: 'acme.example', employees: 1200 },
    createdAt: new Date(NOW_MS - HOUR).toISOString(),
    owner: 'carmen-ruiz',
    events: [],
    ...extra,
  };
}

/** Bob: an engineer at a small company; a lead, not an MQL. */
export function bob(extra: Partial<Lead> = {}): Lead {
  return {
    id: 'lead-bob',
    email: 'bob@tiny.example',
    name: 'Bob Byte',
    title: 'Engineer',
    company: { name: 'Tiny SL', domain: 'tiny.example', employees: 8 },
    createdAt: new Date(NOW_MS - 3 * HOUR).toISOString(),
    events: [],
    ...extra,
  };
}

export const extensionId = fakeBrowser.runtime.id;
export const popupSender: MessageSenderInfo = { id: extensionId, url: `chrome-extension://${extensionId}/popup.html` };
export const gmailSender: MessageSenderInfo = {
  id: extensionId,
  url: 'https://mail.google.com/mail/u/0/#inbox',
  origin: 'https://mail.google.com',
  tab: { id: 7, url: 'https://mail.google.com/mail/u/0/#inbox' },
  frameId: 0,
};

/** Delivers a message to the background's runtime.onMessage listener as the browser would. */
export async function deliver(message: unknown, sender: MessageSenderInfo): Promise<Reply> {
  const answers = (await fakeBrowser.runtime.onMessage.trigger(message, sender as never)) as unknown[];
  const reply = answers.find(Boolean);
  return reply as Reply;
}

export function jsonl(leads: readonly Lead[]): string {
  return leads.map((lead) => JSON.stringify(lead)).join('\n') + '\n';
}

let databases = 0;
/** A database name no other test uses (fake-indexeddb is shared by the whole file). */
export function freshDatabaseName(): string {
  return `leadpact-test-${++databases}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Deletes the extension's default database (`leadpact`), where the CRM token is kept: tests that
 * save CRM settings start from none.
 */
export function deleteDefaultDatabase(): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(databaseName);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('the database could not be deleted'));
  });
}
