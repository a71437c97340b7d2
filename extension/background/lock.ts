// One exclusive lock per lead database, shared by every context of the extension (the service
// worker, the options page, the popup): imports, "clear data" and the first-run seeding run under
// it, one at a time. The Web Locks API (navigator.locks) is shared by all same-origin contexts in
// Chrome and Firefox, extension pages and service workers alike, and releases a lock when its
// holder goes away (a closed page, a stopped worker). Where it is missing (Node tests with
// fake-indexeddb, happy-dom) an in-process queue stands in: it serialises within one context only,
// which is all such an environment has; the store's import generation (store.ts) still makes an
// import that lost the race abort instead of writing into the live store.

export interface LeadsLock {
  /**
   * Runs `task` while holding the lock. `onWait` is called, before waiting, when another holder
   * has it: the caller can say so (the options page shows "waiting for …").
   */
  run<T>(task: () => Promise<T>, onWait?: () => void): Promise<T>;
}

interface WebLocks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
  request<T>(name: string, options: { ifAvailable: true }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

/** The lock named after the database (a test's fresh database gets its own). */
export function leadsLock(databaseName: string): LeadsLock {
  const locks = (globalThis as { navigator?: { locks?: WebLocks } }).navigator?.locks;
  const name = `leadpact:leads:${databaseName}`;
  return typeof locks?.request === 'function' ? webLock(locks, name) : localLock(name);
}

function webLock(locks: WebLocks, name: string): LeadsLock {
  return {
    async run(task, onWait) {
      if (!onWait) return locks.request(name, task);
      // Try without waiting first, so the caller learns whether it has to wait.
      const got = await locks.request(name, { ifAvailable: true }, async (lock) => (lock ? { value: await task() } : null));
      if (got) return got.value;
      onWait();
      return locks.request(name, task);
    },
  };
}

const localQueues = new Map<string, { held: boolean; waiting: Array<() => void> }>();

/** A FIFO lock within this JavaScript context. */
export function localLock(name: string): LeadsLock {
  return {
    async run(task, onWait) {
      let queue = localQueues.get(name);
      if (!queue) localQueues.set(name, (queue = { held: false, waiting: [] }));
      const q = queue;
      if (q.held) {
        onWait?.();
        await new Promise<void>((resolve) => q.waiting.push(resolve));
      }
      q.held = true;
      try {
        return await task();
      } finally {
        const next = q.waiting.shift();
        if (next) next();
        else {
          q.held = false;
          localQueues.delete(name);
        }
      }
    },
  };
}

/** No lock at all: a test stands for two contexts that do not share one. */
export const noLock: LeadsLock = { run: (task) => task() };

/**
 * Takes the lock and keeps it until the returned release function is called (an import that the
 * caller feeds chunk by chunk holds it from beginImport to commit or discard).
 */
export function holdLock(lock: LeadsLock, onWait?: () => void): Promise<() => void> {
  return new Promise((resolve, reject) => {
    lock
      .run(
        () =>
          new Promise<void>((release) => {
            resolve(() => release());
          }),
        onWait,
      )
      .catch(reject);
  });
}
