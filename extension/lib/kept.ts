// A value read from extension storage once and kept until storage reports a change, in this or
// another extension context. The worker asks for some values on every message (the rules, the
// site switches); reading them back from storage each time costs a round trip and a clone. A
// worker that stops when idle starts again with nothing kept, so nothing lives only in memory.

/** Subscribes to changes of the value's sources; returns the unsubscribe. May throw where no change events exist. */
export type Watch = (onChange: () => void) => () => void;

export interface Kept<T> {
  /** The kept value, read first if nothing is kept. */
  get(): Promise<T>;
  /** Drops the kept value (its source changed and the change event may come late). */
  forget(): void;
  /** Stops watching; later calls read every time. */
  close(): void;
}

/**
 * `read`, kept until `watch` calls back. A failed read is not kept (the next call reads again).
 * Where `watch` throws (no change events), every call reads.
 */
export function keptUntilChanged<T>(read: () => Promise<T>, watch: Watch): Kept<T> {
  let kept: Promise<T> | null = null;
  let watching = false;
  let closed = false;
  let unwatch = () => undefined as void;
  const get = () => {
    if (closed) return read();
    if (!watching) {
      watching = true;
      try {
        unwatch = watch(() => {
          kept = null;
        });
      } catch {
        watching = false;
        return read();
      }
    }
    kept ??= read().catch((error: unknown) => {
      kept = null;
      throw error;
    });
    return kept;
  };
  return {
    get,
    forget: () => {
      kept = null;
    },
    close: () => {
      closed = true;
      kept = null;
      unwatch();
    },
  };
}
