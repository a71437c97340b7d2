// @vitest-environment happy-dom
import { afterEach, describe, expect, test } from 'vitest';
import { observe } from '../../../extension/lib/observe';
import { nextFrame, settle } from './frames';

function person(email: string): HTMLElement {
  const span = document.createElement('span');
  span.setAttribute('data-person', email);
  return span;
}

afterEach(() => {
  document.body.replaceChildren();
});

describe('observe', () => {
  test('calls back once for every matching element already in the page', async () => {
    document.body.append(person('a@x.example'), person('b@x.example'), document.createElement('p'));
    const seen: Element[] = [];
    const controller = new AbortController();
    observe(document, '[data-person]', (el) => seen.push(el), { signal: controller.signal });
    await settle();
    expect(seen.map((el) => el.getAttribute('data-person'))).toEqual(['a@x.example', 'b@x.example']);
    controller.abort();
  });

  test('finds an inserted element and matches inside an inserted subtree', async () => {
    const seen: string[] = [];
    const controller = new AbortController();
    observe(document, '[data-person]', (el) => seen.push(el.getAttribute('data-person') ?? ''), { signal: controller.signal });
    await settle();
    document.body.append(person('c@x.example'));
    const row = document.createElement('div');
    row.append(document.createElement('b'), person('d@x.example'));
    document.body.append(row);
    await settle();
    expect(seen.sort()).toEqual(['c@x.example', 'd@x.example']);
    controller.abort();
  });

  test('topmost: an inserted element that matches comes without the matches inside it; others still give theirs', async () => {
    const seen: string[] = [];
    const controller = new AbortController();
    observe(document, '[data-person], [role="row"]', (el) => seen.push(el.getAttribute('data-person') ?? el.getAttribute('role') ?? ''), { signal: controller.signal, topmost: true });
    await settle();
    const row = document.createElement('div');
    row.setAttribute('role', 'row');
    row.append(person('g@x.example'));
    const plain = document.createElement('div');
    plain.append(person('h@x.example'));
    document.body.append(row, plain);
    await settle();
    expect(seen).toEqual(['row', 'h@x.example']);
    controller.abort();
  });

  test('early: an insertion is delivered once the script that made it and its microtasks end, before any task; without it, in a task after', async () => {
    const order: string[] = [];
    const early = new AbortController();
    const late = new AbortController();
    const other = document.createElement('section');
    document.body.append(other);
    observe(document.body, '[data-early]', () => order.push('early'), { signal: early.signal, early: true });
    observe(other, '[data-late]', () => order.push('late'), { signal: late.signal });
    await settle();
    const a = document.createElement('i');
    a.setAttribute('data-early', '');
    const b = document.createElement('i');
    b.setAttribute('data-late', '');
    document.body.append(a);
    other.append(b);
    expect(order).toEqual([]); // never from inside the page's own call
    for (let i = 0; i < 5; i++) await Promise.resolve(); // the microtasks that end the page's script
    expect(order).toEqual(['early']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(['early', 'late']);
    early.abort();
    late.abort();
  });

  test('early still waits while the tab is hidden', async () => {
    const seen: string[] = [];
    const controller = new AbortController();
    observe(document, '[data-person]', (el) => seen.push(el.getAttribute('data-person') ?? ''), { signal: controller.signal, early: true });
    await settle();
    const visibility = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState') ?? Object.getOwnPropertyDescriptor(document, 'visibilityState');
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    try {
      document.body.append(person('hidden@x.example'));
      await Promise.resolve();
      await Promise.resolve();
      expect(seen).toEqual([]);
    } finally {
      if (visibility) Object.defineProperty(document, 'visibilityState', { ...visibility, configurable: true });
      else delete (document as { visibilityState?: unknown }).visibilityState;
    }
    await settle();
    expect(seen).toEqual(['hidden@x.example']);
    controller.abort();
  });

  test('delivers an element once when it and its parent arrive in the same frame', async () => {
    const seen: Element[] = [];
    const controller = new AbortController();
    observe(document, '[data-person]', (el) => seen.push(el), { signal: controller.signal });
    await settle();
    const row = document.createElement('div');
    document.body.append(row);
    const inner = person('e@x.example');
    row.append(inner); // a second mutation record, inside the first one's subtree
    await settle();
    expect(seen).toEqual([inner]);
    controller.abort();
  });

  test('batches many insertions into one callback run per frame', async () => {
    let calls = 0;
    const frames = new Set<number>();
    let frame = 0;
    const controller = new AbortController();
    observe(document, '[data-person]', () => { calls++; frames.add(frame); }, { signal: controller.signal });
    await settle();
    for (let i = 0; i < 50; i++) document.body.append(person(`p${i}@x.example`));
    expect(calls).toBe(0); // nothing runs inside the mutation burst itself
    frame = 1;
    await settle();
    expect(calls).toBe(50);
    expect([...frames]).toEqual([1]);
    controller.abort();
  });

  test('ignores elements inserted and removed again before the frame runs', async () => {
    const seen: Element[] = [];
    const controller = new AbortController();
    observe(document, '[data-person]', (el) => seen.push(el), { signal: controller.signal });
    await settle();
    const gone = person('f@x.example');
    document.body.append(gone);
    gone.remove();
    await settle();
    expect(seen).toEqual([]);
    controller.abort();
  });

  test('stops calling back after the signal aborts', async () => {
    const seen: Element[] = [];
    const controller = new AbortController();
    observe(document, '[data-person]', (el) => seen.push(el), { signal: controller.signal });
    await settle();
    document.body.append(person('g@x.example'));
    controller.abort(); // before the frame that would deliver it
    await settle();
    document.body.append(person('h@x.example'));
    await settle();
    expect(seen).toEqual([]);
  });

  test('keeps other subscriptions on the same root alive when one aborts', async () => {
    const first: Element[] = [];
    const second: Element[] = [];
    const a = new AbortController();
    const b = new AbortController();
    observe(document, '[data-person]', (el) => first.push(el), { signal: a.signal });
    observe(document, '[data-person]', (el) => second.push(el), { signal: b.signal });
    await settle();
    a.abort();
    const p = person('i@x.example');
    document.body.append(p);
    await settle();
    expect(first).toEqual([]);
    expect(second).toEqual([p]);
    b.abort();
  });

  test('a throwing callback does not stop delivery to the next element', async () => {
    const seen: string[] = [];
    const controller = new AbortController();
    observe(
      document,
      '[data-person]',
      (el) => {
        seen.push(el.getAttribute('data-person') ?? '');
        if (seen.length === 1) throw new Error('page changed under us');
      },
      { signal: controller.signal },
    );
    document.body.append(person('j@x.example'), person('k@x.example'));
    await settle();
    expect(seen).toEqual(['j@x.example', 'k@x.example']);
    controller.abort();
  });

  test("in 'removed' mode reports a removed matching node only while it stays out", async () => {
    const removed: Element[] = [];
    const controller = new AbortController();
    const stays = person('l@x.example');
    const moves = person('m@x.example');
    document.body.append(stays, moves);
    observe(document, '[data-person]', (el) => removed.push(el), { signal: controller.signal, on: 'removed' });
    await nextFrame();
    stays.remove();
    moves.remove();
    document.body.append(moves); // moved, not gone
    await settle();
    expect(removed).toEqual([stays]);
    controller.abort();
  });

  test("in 'changed' mode reports the nearest matching element around a watched attribute change, once per batch", async () => {
    const row = document.createElement('div');
    row.className = 'row';
    const chip = person('a@x.example');
    row.append(chip);
    document.body.append(row);
    const seen: Element[] = [];
    const controller = new AbortController();
    observe(document, '.row', (el) => seen.push(el), { signal: controller.signal, on: 'changed', attributes: ['data-person'] });
    await settle();
    expect(seen).toEqual([]); // no initial delivery in this mode
    chip.setAttribute('data-person', 'b@x.example');
    chip.setAttribute('data-person', 'c@x.example');
    chip.setAttribute('title', 'not watched');
    await settle();
    expect(seen).toEqual([row]);
    chip.setAttribute('title', 'still not watched');
    await settle();
    expect(seen).toEqual([row]);
    controller.abort();
    chip.setAttribute('data-person', 'd@x.example');
    await settle();
    expect(seen).toEqual([row]);
  });

  test('rejects a malformed selector when asked to observe it', () => {
    expect(() => observe(document, '[data-person', () => undefined, { signal: new AbortController().signal })).toThrow();
  });
});
