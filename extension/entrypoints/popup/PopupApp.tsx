// The popup: rules version, lead count, last import or sync, and "my SLA queue", most urgent
// first (breached, then warning, then ok; fewest minutes left first). The order is the
// background's (queue.ts byUrgency); the popup only draws it.
import { useEffect, useState } from 'preact/hooks';
import type { QueueItem, Status } from '../../lib/protocol';
import { formatClockTime, formatDateTime } from '../../ui/format';
import { formatAge } from '../../background/crm-age';

const numbers = new Intl.NumberFormat();
const stateLabels: Record<QueueItem['state'], string> = { breached: 'Overdue', warning: 'Due soon', ok: 'On track' };

export function PopupApp({ status, openOptions }: { status: () => Promise<Status>; openOptions: () => void }) {
  const [data, setData] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    status().then(setData, (reason: unknown) => setError(reason instanceof Error ? reason.message : String(reason)));
  }, []);

  return (
    <div class="popup">
      <header class="popup-header">
        <h1>Leadpact</h1>
        <button type="button" class="link" onClick={openOptions}>
          Settings
        </button>
      </header>
      {error && (
        <p class="notice notice-error" role="alert">
          Leadpact is not answering ({error}). Reload the extension or open the settings.
        </p>
      )}
      {!data && !error && <p class="muted" role="status">Loading…</p>}
      {data && <Summary data={data} />}
      {data && <Queue data={data} />}
    </div>
  );
}

function Summary({ data }: { data: Status }) {
  const last = lastChange(data);
  return (
    <dl class="facts">
      <div>
        <dt>Rules</dt>
        <dd>
          {data.rulesVersion} <span class="muted">({data.rulesSource === 'embedded' ? 'built in' : 'remote'})</span>
        </dd>
      </div>
      <div>
        <dt>Leads</dt>
        <dd>{numbers.format(data.leadCount)}</dd>
      </div>
      <div>
        <dt>{last.label}</dt>
        <dd>{last.value}</dd>
      </div>
      {data.remoteRules?.checkedAt && (
        <div>
          <dt>Rules checked</dt>
          <dd>{formatDateTime(data.remoteRules.checkedAt) ?? data.remoteRules.checkedAt}</dd>
        </div>
      )}
      {data.crmSync?.endpoint && (
        <div>
          <dt>CRM sync</dt>
          <dd>{formatAge(data.crmSync.lastSync, Date.now())}</dd>
        </div>
      )}
      {data.crmSync?.lastError && (
        <p class="note" role="status">
          Last CRM sync failed: {data.crmSync.lastError.message}. {data.crmSync.lastSync ? 'Showing the leads from the last good sync.' : ''}
        </p>
      )}
      {data.rulesNote && <p class="note">{data.rulesNote}</p>}
      {data.remoteRules?.refusal && (
        <p class="note" role="status">
          Last rules update refused{data.remoteRules.refusal.version ? ` (version ${data.remoteRules.refusal.version})` : ''}: {data.remoteRules.refusal.message}. Still using{' '}
          {data.rulesVersion}.
        </p>
      )}
    </dl>
  );
}

function lastChange(data: Status): { label: string; value: string } {
  const syncAt = data.lastSync ? Date.parse(data.lastSync) : Number.NEGATIVE_INFINITY;
  const importAt = data.lastImport ? Date.parse(data.lastImport) : Number.NEGATIVE_INFINITY;
  if (data.lastSync && syncAt >= importAt) return { label: 'Last sync', value: formatDateTime(data.lastSync) ?? data.lastSync };
  if (data.lastImport) {
    const info = data.lastImportInfo;
    const what = info ? (info.source === 'samples' ? 'sample leads' : info.name) : null;
    return { label: 'Last import', value: `${formatDateTime(data.lastImport) ?? data.lastImport}${what ? ` · ${what}` : ''}` };
  }
  return { label: 'Last import', value: 'never' };
}

function Queue({ data }: { data: Status }) {
  const title = data.queueOwner ? `My SLA queue` : 'SLA queue';
  const total = data.queueTotal ?? data.queue.length;
  return (
    <section aria-labelledby="queue-title" class="queue">
      <h2 id="queue-title">
        {title} <span class="count">{numbers.format(total)}</span>
      </h2>
      {!data.queueOwner && <p class="muted small">Every lead's running clocks: set your name in the settings to see only yours.</p>}
      {data.queue.length === 0 ? (
        <p class="muted">No SLA clock is running{data.queueOwner ? ' on your leads' : ''}.</p>
      ) : (
        <ol class="queue-list">
          {data.queue.map((item) => (
            <li key={`${item.leadId}:${item.commitment}`} class={`item item-${item.state}`}>
              <span class={`dot dot-${item.state}`} aria-hidden="true" />
              <span class="who">
                <span class="name">{item.name ?? item.leadId}</span>
                {item.company && <span class="muted"> · {item.company}</span>}
                <span class="what muted">
                  {item.commitment} · {item.stage}
                </span>
              </span>
              <span class="when">
                <span class="state">{stateLabels[item.state]}</span>
                <span class="time">{timeText(item)}</span>
              </span>
            </li>
          ))}
        </ol>
      )}
      {total > data.queue.length && <p class="muted small">The {data.queue.length} most urgent of {numbers.format(total)}.</p>}
      {data.queue.some((item) => item.business) && <p class="muted small">bh: business hours, counted only in the working hours of the SLA calendar.</p>}
    </section>
  );
}

/**
 * The time under the state word: "46d 6h" under "Overdue" (said once, not "Overdue 46d 6h
 * overdue"), "20m left" under "Due soon" or "On track". A business-hours clock reads "3bh 20m
 * left", "157bh": the queue mixes both kinds of clock, and a line under it says what bh is.
 */
export function timeText(item: QueueItem): string {
  const time = (minutes: number) => formatClockTime(minutes, item.business, 'bh');
  return item.remainingMinutes < 0 ? time(-item.remainingMinutes) : `${time(item.remainingMinutes)} left`;
}
