import { Evidence, EvidenceRef } from './evidence';

/** What a rule kind reports when a group completes a detection (before suppression). */
export interface Completion {
  /** Event time of the event that completed it. */
  t: number;
  count: number;
  evidence: EvidenceRef[];
  /** A summary's period (epoch ms) and the distinct values it saw. */
  summary?: { from: number; to: number; values: string[]; more: boolean };
}

/** What an audit summary counted: its period, and the distinct values of its field (`more` when there were more than it keeps). */
export interface SummaryOf {
  from: string;
  to: string;
  values: string[];
  more?: boolean;
}

/**
 * A detection that suppression let through: what the engine hands to the alert stage.
 * Plain JSON (a redelivered batch's detections are kept in the state store).
 */
export interface Detection {
  /** Stable for the same detection (rule, key, time, first evidence), so it is raised once. */
  id: string;
  rule: string;
  /** Group key: the rule's groupBy values joined by `|` (`*` without groupBy). */
  key: string;
  group: Record<string, unknown>;
  /** Event time of the detection, ISO-8601. */
  time: string;
  /** Events counted (1 for match rules; distinct values for distinct thresholds). */
  count: number;
  /** Detections held back by suppression since the previous one of this rule and key. */
  suppressed: number;
  evidence: Evidence[];
  /** Fields of the completing event, when no evidence was kept (for the message). */
  fields?: Record<string, unknown>;
  /** An audit summary's period and distinct values. */
  summary?: SummaryOf;
}
