/** Waiting helpers for DOM tests: animation frames and the microtasks that follow them. */

export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** Lets observers, frame-batched work and resolved lookups run to the end (a few frames). */
export async function settle(frames = 4): Promise<void> {
  for (let i = 0; i < frames; i++) {
    await nextFrame();
    await Promise.resolve();
  }
}
