/**
 * The badge's stylesheet, placed inside each shadow root (a <style> element: constructable sheets
 * cannot be adopted across the content-script boundary in Firefox). `:host` resets everything the
 * page could make us inherit; `!important` on the host wins over page rules aimed at the host,
 * because important declarations from inside a shadow tree beat those from outside it.
 * The chip is opaque with its own text colour and border, so it reads the same on light and dark
 * pages; a dark palette follows the system setting.
 */
export const BADGE_CSS = `
:host {
  all: initial !important;
  display: inline-block !important;
  vertical-align: middle !important;
  margin: 0 0 0 4px !important;
  padding: 0 !important;
  position: static !important;
  visibility: visible !important;
  contain: layout style;
  line-height: 1 !important;
}
.lp {
  --lp-bg: #ffffff;
  --lp-fg: #1f2328;
  --lp-muted: #59636e;
  --lp-border: #8c959f;
  --lp-accent: #0b57d0;
  --lp-ok: #1a7f37;
  --lp-warning: #9a6700;
  --lp-breached: #cf222e;
  --lp-pill: #ddf4ff;
  --lp-pill-fg: #0a3069;
  /* Every font setting is our own (the host resets the page's with all: initial; these say what we
     want): line-height 1, so nothing the page sets can push the score off the grade box's line. */
  font: normal 400 12px/1 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  font-variant: normal;
  color: var(--lp-fg);
  letter-spacing: normal;
  word-spacing: normal;
  text-transform: none;
  text-decoration: none;
  text-align: start;
  white-space: nowrap;
  -webkit-font-smoothing: antialiased;
}
@media (prefers-color-scheme: dark) {
  .lp {
    --lp-bg: #1c2128;
    --lp-fg: #e6edf3;
    --lp-muted: #9198a1;
    --lp-border: #6e7681;
    --lp-accent: #7cacf8;
    --lp-ok: #3fb950;
    --lp-warning: #d29922;
    --lp-breached: #ff7b72;
    --lp-pill: #0c2d6b;
    --lp-pill-fg: #cae8ff;
  }
}
.badge {
  all: unset;
  box-sizing: border-box;
  display: inline-flex;
  align-items: center;
  gap: 4px;
  height: 18px;
  padding: 0 5px;
  border: 1px solid var(--lp-border);
  border-radius: 9px;
  background: var(--lp-bg);
  color: var(--lp-fg);
  font: inherit;
  font-size: 11px;
  line-height: 1;
  cursor: pointer;
  user-select: none;
}
/* Each part is one 14 px line box centred in the 18 px chip: score, grade box, stage pill and SLA
   clock share a middle whatever the font's ascent. Parts never shrink (the SLA clock stays whole). */
.badge > span { display: inline-flex; align-items: center; flex: none; box-sizing: border-box; height: 14px; line-height: 1; }
.badge:hover { border-color: var(--lp-accent); }
.badge:focus-visible { outline: 2px solid var(--lp-accent); outline-offset: 1px; }
.badge.estimate { border-style: dashed; color: var(--lp-muted); }
.score { font-weight: 700; font-variant-numeric: tabular-nums; }
.grade {
  justify-content: center;
  min-width: 12px;
  padding: 0 2px;
  border: 1px solid currentColor;
  border-radius: 3px;
  font-size: 10px;
  font-weight: 600;
  text-align: center;
}
.pill {
  padding: 0 5px;
  border-radius: 7px;
  letter-spacing: 0.02em;
  background: var(--lp-pill);
  color: var(--lp-pill-fg);
  font-size: 10px;
  font-weight: 600;
}
.sla { display: inline-flex; align-items: center; gap: 2px; font-size: 10px; font-variant-numeric: tabular-nums; }
.sla-ok { color: var(--lp-ok); }
.sla-warning { color: var(--lp-warning); }
.sla-breached { color: var(--lp-breached); font-weight: 700; }
.sla-met, .sla-late { color: var(--lp-muted); }
/* The SLA state is a shape as well as a colour: circle ok, triangle warning, diamond breached, check met. */
.shape { display: inline-block; width: 8px; height: 8px; background: currentColor; flex: none; }
.shape-ok { border-radius: 50%; }
.shape-warning { clip-path: polygon(50% 0, 100% 100%, 0 100%); }
.shape-breached { width: 7px; height: 7px; transform: rotate(45deg); }
.shape-met, .shape-late {
  width: 4px; height: 7px; background: none;
  border: solid currentColor; border-width: 0 2px 2px 0; transform: rotate(45deg);
}
@media (forced-colors: active) {
  .shape { background: CanvasText; }
  .shape-met, .shape-late { background: none; border-color: CanvasText; }
}

.card {
  display: block;
  box-sizing: border-box;
  position: fixed;
  inset: auto;
  margin: 0;
  z-index: 2147483647;
  width: min(340px, calc(100vw - 16px));
  max-height: min(70vh, 560px);
  overflow: auto;
  padding: 12px 14px;
  border: 1px solid var(--lp-border);
  border-radius: 8px;
  background: var(--lp-bg);
  color: var(--lp-fg);
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  white-space: normal;
  text-align: start;
  box-shadow: 0 8px 24px rgba(0, 0, 0, 0.25);
}
.card:focus { outline: none; }
/* The card takes focus only so Tab starts inside it; its border already shows where it is. */
.card * { box-sizing: border-box; }
.card header { display: flex; align-items: flex-start; gap: 8px; margin-bottom: 8px; }
.card header > div { flex: 1; min-width: 0; }
.card h2 { margin: 0; font-size: 14px; font-weight: 700; }
.card h3 { margin: 10px 0 4px; font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em; color: var(--lp-muted); }
.card p { margin: 2px 0; }
.card ul, .card ol { margin: 0; padding: 0 0 0 16px; }
.card li { margin: 1px 0; }
.muted { color: var(--lp-muted); }
.summary { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.summary .score { font-size: 18px; }
.models { list-style: none; padding: 0 !important; display: flex; flex-wrap: wrap; gap: 4px 12px; }
.rules { list-style: none; padding: 0 !important; }
.rules li { display: flex; gap: 6px; }
.points { min-width: 36px; text-align: end; font-weight: 700; font-variant-numeric: tabular-nums; }
.points-plus { color: var(--lp-ok); }
.points-minus { color: var(--lp-breached); }
.slas { list-style: none; padding: 0 !important; }
.slas li { display: flex; align-items: baseline; gap: 6px; }
.slas .muted { font-weight: normal; }
.card button, .card select {
  font: inherit;
  font-size: 12px;
  color: var(--lp-fg);
  background: var(--lp-bg);
  border: 1px solid var(--lp-border);
  border-radius: 6px;
  padding: 3px 8px;
}
.card button { cursor: pointer; }
.card button:focus-visible, .card select:focus-visible { outline: 2px solid var(--lp-accent); outline-offset: 1px; }
.card .close { border: none; padding: 0 4px; font-size: 16px; line-height: 1; }
/* Accept on its own line (the usual answer), the reject reason and Reject beside each other below it. */
.decision { display: flex; flex-direction: column; gap: 6px; min-width: 0; margin: 0; padding: 0; border: none; }
.decision legend { padding: 0; }
.decision-row { display: flex; align-items: center; gap: 6px; min-width: 0; }
.decision label { display: flex; flex: 1; align-items: center; gap: 6px; min-width: 0; }
.decision select { flex: 1; min-width: 0; }
.decision button { flex: none; }
.card button.primary { background: var(--lp-accent); border-color: var(--lp-accent); color: var(--lp-bg); font-weight: 600; }
.card button:disabled { opacity: 0.6; cursor: default; }
.status { min-height: 1em; }
.status:empty { min-height: 0; margin: 0; }
.status-error { color: var(--lp-breached); }
.card footer { margin-top: 10px; font-size: 11px; color: var(--lp-muted); }

@media (prefers-reduced-motion: no-preference) {
  .card { animation: lp-card-in 120ms ease-out; }
  @keyframes lp-card-in { from { opacity: 0; transform: translateY(-4px); } to { opacity: 1; transform: none; } }
}
`;
