/** What a detector invocation returns (and logs): counts, never event contents. */
export interface InvocationSummary {
  events: number;
  skipped: number;
  alerts: number;
  /** Set when this batch had been evaluated before (a retried trigger): its alerts were re-sent. */
  batchId?: string;
}
