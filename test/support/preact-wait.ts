/** Waiting in Preact UI tests (happy-dom) for promises, IndexedDB callbacks and renders. */
import { act } from 'preact/test-utils';

/** Lets promises, IndexedDB callbacks and Preact renders settle: `times` rounds of 5 ms inside act. */
export async function settle(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) {
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
  }
}

/** Settles until `check()` holds; after 200 rounds fails naming `what` and the text of `root`. */
export async function waitUntil(check: () => boolean, what: string, root: Node): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await settle(1);
  }
  throw new Error(`timed out waiting for ${what}; page says: ${root.textContent}`);
}
