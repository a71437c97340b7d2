/** One figure reported by a benchmark in scripts/bench/, printed by `leadpact bench`. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The same work done another way, measured in the same run. */
  baseline?: { name: string; value: number };
  /** baseline / value for times (> 1 means faster than the baseline); value / baseline for rates. */
  ratio?: number;
  /** The target in words, e.g. "< 1 s" or ">= 100x json-rules-engine". */
  target?: string;
  /** Whether the target is met. */
  ok?: boolean;
  note?: string;
}
