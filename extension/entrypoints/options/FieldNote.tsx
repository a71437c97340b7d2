// Under a field of the options page: the notice that the administrator's policy sets it (the field
// is then disabled), or else the field's hint. One place for the wording and the ids that the
// field's aria-describedby names.
import type { ComponentChildren } from 'preact';

export const LOCKED_TEXT = 'Set by your administrator';

/** What a field's aria-describedby names: its locked notice, else its hint (when it has one). */
export function noteId(id: string, locked: boolean, hasHint = true): string | undefined {
  return locked ? `${id}-locked` : hasHint ? `${id}-hint` : undefined;
}

/** `inline`: a span (inside a label), else a paragraph. Without children, nothing unless locked. */
export function FieldNote({ id, locked, inline = false, children }: { id: string; locked: boolean; inline?: boolean; children?: ComponentChildren }) {
  const Tag = inline ? 'span' : 'p';
  if (locked) {
    return (
      <Tag class="hint locked" id={`${id}-locked`}>
        {LOCKED_TEXT}
      </Tag>
    );
  }
  if (children === undefined) return null;
  return (
    <Tag class="hint" id={`${id}-hint`}>
      {children}
    </Tag>
  );
}
