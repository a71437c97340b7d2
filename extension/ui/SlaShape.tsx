import type { SlaView } from '../lib/protocol';

/** The SLA state as a shape (circle, triangle, diamond, check) so colour is never the only signal. */
export function SlaShape({ state }: { state: SlaView['state'] }) {
  return <span class={`shape shape-${state}`} aria-hidden="true" />;
}
