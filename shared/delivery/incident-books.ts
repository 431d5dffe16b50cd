import { readFile, appendFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { Alert, Evidence } from '../alerts/alert';
import { stableId } from '../util/hash';
import { StateStore } from '../state/store';

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

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
}

const EVIDENCE_KEPT = 5;
const ALERT_IDS_KEPT = 50;

/** Opens an incident for an alert, or attaches the alert to the open one of its rule and key. */
export function applyAlert(current: Incident | undefined, alert: Alert, now: string): { incident: Incident; opened: boolean } {
  if (current && current.status !== 'resolved') {
    if (current.alerts.includes(alert.id)) return { incident: current, opened: false };
    const incident: Incident = {
      ...current,
      lastSeen: alert.time > current.lastSeen ? alert.time : current.lastSeen,
      alertCount: current.alertCount + 1,
      alerts: current.alerts.length < ALERT_IDS_KEPT ? [...current.alerts, alert.id] : current.alerts,
      severity: rank(alert.severity) > rank(current.severity) ? alert.severity : current.severity,
      updatedAt: now,
    };
    return { incident, opened: false };
  }
  return {
    opened: true,
    incident: {
      id: `INC-${stableId(alert.rule, alert.key, alert.id).slice(0, 10).toUpperCase()}`,
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
    },
  };
}

const SEVERITY_RANK = ['info', 'low', 'medium', 'high', 'critical'];
function rank(s: string): number {
  return SEVERITY_RANK.indexOf(s);
}

/** Where incidents live. */
export interface IncidentBook {
  record(alert: Alert): Promise<{ incident: Incident; opened: boolean }>;
}

/**
 * Incidents in the StateStore (Function Compute, and the CLI on Redis): the open
 * incident of a rule and key is found by that pair, atomically, so concurrent
 * dispatchers attach to one incident instead of opening two.
 */
export class StoreIncidentBook implements IncidentBook {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 90 * 86_400_000,
  ) {}

  async record(alert: Alert): Promise<{ incident: Incident; opened: boolean }> {
    const key = `inc:${alert.rule}:${alert.key}`;
    const now = this.now();
    return this.store.transact([key], now, (cur) => {
      const r = applyAlert(cur.get(key) as Incident | undefined, alert, new Date(now).toISOString());
      return { writes: new Map([[key, { value: r.incident, ttlMs: this.ttlMs }]]), result: r };
    });
  }
}

/**
 * The local incident file (JSONL): each line is an incident as it was at one moment;
 * the last line of an id is its state. `secmon incidents` lists, acknowledges and
 * resolves from it; the dispatcher appends to it.
 */
export class IncidentFile {
  constructor(readonly file: string) {}

  async all(): Promise<Map<string, Incident>> {
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw e;
    }
    const byId = new Map<string, Incident>();
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const inc = JSON.parse(line) as Incident;
        byId.set(inc.id, inc);
      } catch {
        throw new Error(`${this.file}:${i + 1}: not a JSON incident`);
      }
    });
    return byId;
  }

  async append(incident: Incident): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(incident)}\n`);
  }

  async setStatus(id: string, status: IncidentStatus, now = new Date().toISOString()): Promise<Incident> {
    const current = (await this.all()).get(id);
    if (!current) throw new Error(`no incident ${id} in ${this.file}`);
    const updated = { ...current, status, updatedAt: now };
    await this.append(updated);
    return updated;
  }
}

/** The file as an IncidentBook: the open incident of a rule and key is found in it. */
export class FileIncidentBook implements IncidentBook {
  constructor(
    private readonly file: IncidentFile,
    private readonly now: () => number = Date.now,
  ) {}

  async record(alert: Alert): Promise<{ incident: Incident; opened: boolean }> {
    const all = await this.file.all();
    const current = [...all.values()].find((i) => i.rule === alert.rule && i.key === alert.key && i.status !== 'resolved');
    const r = applyAlert(current, alert, new Date(this.now()).toISOString());
    if (r.opened || r.incident !== current) await this.file.append(r.incident);
    return r;
  }
}
