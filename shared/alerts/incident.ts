import { digestId } from '../util/hash';
import { higherSeverity } from '../rules/severity';
import { Alert, Evidence } from './alert';

export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** One change of an incident's status: what, when, by whom. */
export interface StatusChange {
  status: IncidentStatus;
  at: string;
  by: string;
}

export interface Incident {
  id: string;
  rule: string;
  key: string;
  title: string;
  severity: Alert['severity'];
  status: IncidentStatus;
  firstSeen: string;
  lastSeen: string;
  alertCount: number;
  /** Ids of the alerts attached, the first ones (bounded). */
  alerts: string[];
  evidence: Evidence[];
  updatedAt: string;
  /** Status changes after opening, oldest first (absent in incidents written before it was kept). */
  history?: StatusChange[];
}

const EVIDENCE_KEPT = 5;
const ALERT_IDS_KEPT = 50;

export function isIncidentStatus(s: string): s is IncidentStatus {
  return (INCIDENT_STATUSES as readonly string[]).includes(s);
}

/** Opens an incident for an alert, or attaches the alert to the open one of its rule and key. */
export function applyAlert(current: Incident | undefined, alert: Alert, now: string): { incident: Incident; opened: boolean } {
  if (current && current.status !== 'resolved') {
    if (current.alerts.includes(alert.id)) return { incident: current, opened: false };
    const incident: Incident = {
      ...current,
      lastSeen: alert.time > current.lastSeen ? alert.time : current.lastSeen,
      alertCount: current.alertCount + 1,
      alerts: current.alerts.length < ALERT_IDS_KEPT ? [...current.alerts, alert.id] : current.alerts,
      severity: higherSeverity(current.severity, alert.severity),
      updatedAt: now,
    };
    return { incident, opened: false };
  }
  return {
    opened: true,
    incident: {
      id: `INC-${digestId(alert.rule, alert.key, alert.id).slice(0, 10).toUpperCase()}`,
      rule: alert.rule,
      key: alert.key,
      title: alert.title,
      severity: alert.severity,
      status: 'open',
      firstSeen: alert.time,
      lastSeen: alert.time,
      alertCount: 1,
      alerts: [alert.id],
      evidence: alert.evidence.slice(0, EVIDENCE_KEPT),
      updatedAt: now,
      history: [],
    },
  };
}

/** Refused change of status (acknowledging a resolved incident, say): a sentence for the person who asked. */
export class IncidentStatusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncidentStatusError';
  }
}

/**
 * An incident moved to `status` by `by` at `now`. Open → acknowledged → resolved;
 * resolving an open one is fine; a resolved incident is closed (a new alert of its
 * rule and key opens a new one), so nothing moves it again. Asking for the status it
 * already has changes nothing.
 */
export function changeStatus(incident: Incident, status: IncidentStatus, by: string, now: string): { incident: Incident; changed: boolean } {
  if (incident.status === status) return { incident, changed: false };
  if (incident.status === 'resolved') {
    throw new IncidentStatusError(`${incident.id} is resolved (${lastChange(incident)}): a resolved incident cannot be ${status === 'open' ? 'reopened' : status}; a new alert of its rule and key opens a new incident`);
  }
  if (status === 'open') throw new IncidentStatusError(`${incident.id} is ${incident.status}: it cannot be set back to open`);
  const change: StatusChange = { status, at: now, by };
  return { incident: { ...incident, status, updatedAt: now, history: [...(incident.history ?? []), change] }, changed: true };
}

function lastChange(i: Incident): string {
  const c = i.history?.[i.history.length - 1];
  return c ? `by ${c.by} at ${c.at}` : `at ${i.updatedAt}`;
}
