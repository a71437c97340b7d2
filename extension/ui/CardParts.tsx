/** Pieces shared by the lead card and the estimate card. */
import { formatPoints } from './format';

export function CardHeader({ title, subtitle, onClose }: { title: string; subtitle: string; onClose(restoreFocus: boolean): void }) {
  return (
    <header>
      <div>
        <h2>{title}</h2>
        {subtitle && <p class="muted">{subtitle}</p>}
      </div>
      <button type="button" class="close" aria-label="Close" onClick={() => onClose(true)}>
        ×
      </button>
    </header>
  );
}

export function FiredRules({ rules, scopeLabel }: { rules: ReadonlyArray<{ rule: string; label: string; points: number; model?: string }>; scopeLabel?: (model: string) => string }) {
  if (rules.length === 0) return <p class="muted">No rule fired.</p>;
  return (
    <ul class="rules">
      {rules.map((r) => (
        <li key={`${r.model ?? ''}/${r.rule}`}>
          <span class={r.points < 0 ? 'points points-minus' : 'points points-plus'}>{formatPoints(r.points)}</span>
          <span>
            {r.label}
            {r.model && scopeLabel && <span class="muted"> ({scopeLabel(r.model)})</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}
