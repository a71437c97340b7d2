/**
 * A lead's events, read once per evaluation and shared by every rule: times parsed once,
 * events at or before `now` kept in time order, and grouped into the buckets the compiled
 * rules ask for (one bucket per distinct set of event types used by a test).
 */
import { parseInstantInto } from './values';

export type EventRecord = Record<string, unknown>;

/** Compile-time registry: each distinct set of event types gets a bucket id. */
export class EventBuckets {
  private readonly ids = new Map<string, number>();
  /** Event type to the ids of the buckets that hold it. */
  readonly byType = new Map<string, number[]>();

  get count(): number {
    return this.ids.size;
  }

  idFor(types: readonly string[]): number {
    const unique = [...new Set(types)].sort();
    const key = unique.join('\u0000');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
      for (const type of unique) {
        const list = this.byType.get(type);
        if (list) list.push(id);
        else this.byType.set(type, [id]);
      }
    }
    return id;
  }
}

/**
 * The per-evaluation view of a lead's events. One instance per compiled bundle, refilled for
 * each lead (evaluation is synchronous, so nothing can observe it half-filled); this keeps the
 * per-lead cost to parsing times and pushing numbers.
 */
export class LeadEvents {
  /**
   * Times of the kept events, ascending (ties keep the lead's order): the first `size` entries
   * (the arrays are kept and grown across leads rather than reallocated or resized per lead).
   */
  at = new Float64Array(32);
  /** The kept events, in the same order as `at` (entries past `size` are stale). */
  records: EventRecord[] = [];
  /** How many events are kept. */
  size = 0;
  /**
   * Per bucket, positions into `at`/`records`, ascending: the first `bucketSizes[b]` entries of
   * `buckets[b]`.
   */
  readonly buckets: Int32Array[];
  readonly bucketSizes: Int32Array;

  private spareAt = new Float64Array(32);
  private spareRecords: EventRecord[] = [];
  private readonly order: number[] = [];

  constructor(private readonly registry: EventBuckets) {
    this.buckets = Array.from({ length: registry.count }, () => new Int32Array(8));
    this.bucketSizes = new Int32Array(registry.count);
  }

  /** Counts loads, so per-lead caches (see EventQuery) know when they are stale. */
  loads = 0;

  /**
   * Keeps the events that are objects with a parseable `at` at or before `now`: events after
   * `now` never count for any test, stop an SLA clock or take part in a replay.
   */
  load(events: unknown, now: number): void {
    this.loads++;
    let kept = 0;
    let sorted = true;
    let last = -Infinity;
    if (Array.isArray(events)) {
      if (this.at.length < events.length) this.grow(events.length);
      const at = this.at;
      const records = this.records;
      for (let i = 0; i < events.length; i++) {
        const event: unknown = events[i];
        if (event === null || typeof event !== 'object') continue;
        parseInstantInto((event as EventRecord).at, at, kept);
        const time = at[kept]!;
        if (!(time <= now)) continue; // also drops NaN (the slot is overwritten by the next kept event)
        records[kept] = event as EventRecord;
        if (time < last) sorted = false;
        last = time;
        kept++;
      }
    }
    this.size = kept;
    if (!sorted) this.sortByTime();
    this.fillBuckets();
  }

  private grow(length: number): void {
    const size = Math.max(length, this.at.length * 2);
    this.at = new Float64Array(size);
    this.spareAt = new Float64Array(size);
  }

  private sortByTime(): void {
    const { at, records, order, size: n } = this;
    order.length = n;
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => at[a]! - at[b]! || a - b);
    const newAt = this.spareAt;
    const newRecords = this.spareRecords;
    for (let i = 0; i < n; i++) {
      const from = order[i]!;
      newAt[i] = at[from]!;
      newRecords[i] = records[from]!;
    }
    this.spareAt = at;
    this.spareRecords = records;
    this.at = newAt;
    this.records = newRecords;
  }

  private fillBuckets(): void {
    const { buckets, bucketSizes: sizes, records, size: n } = this;
    sizes.fill(0);
    const byType = this.registry.byType;
    for (let p = 0; p < n; p++) {
      const type = records[p]!.type;
      if (typeof type !== 'string') continue;
      const ids = byType.get(type);
      if (ids === undefined) continue;
      for (let k = 0; k < ids.length; k++) {
        const b = ids[k]!;
        const size = sizes[b]!;
        let positions = buckets[b]!;
        if (size === positions.length) {
          const grown = new Int32Array(size * 2);
          grown.set(positions);
          buckets[b] = positions = grown;
        }
        positions[size] = p;
        sizes[b] = size + 1;
      }
    }
  }
}
