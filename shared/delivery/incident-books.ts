import { readFile, appendFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { Alert } from '../alerts/alert';
import { Incident, IncidentStatus, applyAlert, changeStatus } from '../alerts/incident';
import { INCIDENTS_TAG, STATE_KEYS, taggedKey } from '../state/keys';
import { StateStore, StateWrite } from '../state/store';

/** Where incidents live: the StateStore (Function Compute, the CLI on Redis) or the local file (the CLI on memory). */
export interface IncidentBook {
  /** Opens an incident for the alert, or attaches it to the open one of its rule and key. */
  record(alert: Alert): Promise<{ incident: Incident; opened: boolean }>;
  /** Every incident kept, in no particular order. */
  list(): Promise<Incident[]>;
  /** Changes an incident's status; throws IncidentStatusError when the change is refused, Error when there is no such incident. */
  setStatus(id: string, status: IncidentStatus, by: string): Promise<{ incident: Incident; changed: boolean }>;
  /** Where the incidents are, for messages. */
  readonly where: string;
}

/** Incident ids the store index remembers, at most (the oldest are forgotten first). */
const INDEX_LIMIT = 10_000;
type IndexEntry = [id: string, incidentKey: string];

/**
 * Incidents in the StateStore. The incident of a rule and key is one key, found by
 * that pair atomically, so concurrent dispatchers attach to one incident instead of
 * opening two; an index key lists the incidents by id, for `secmon incidents`. The
 * latest incident of each rule and key is kept for 90 days after its last change.
 * Incidents and the index share a hash tag (one slot of a Redis Cluster): they are few,
 * and opening one changes both atomically.
 */
export class StoreIncidentBook implements IncidentBook {
  private readonly indexKey = taggedKey('incidentIndex', INCIDENTS_TAG, 'all');
  private readonly ttlMs = STATE_KEYS.incident.ttlMs;

  constructor(
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
    readonly where = 'the state store',
  ) {}

  async record(alert: Alert): Promise<{ incident: Incident; opened: boolean }> {
    const key = taggedKey('incident', INCIDENTS_TAG, alert.rule, alert.key);
    const now = this.now();
    return this.store.transact([key, this.indexKey], now, (cur) => {
      const r = applyAlert(cur.get(key) as Incident | undefined, alert, new Date(now).toISOString());
      const writes = new Map<string, StateWrite>([[key, { value: r.incident, ttlMs: this.ttlMs }]]);
      if (r.opened) {
        const index = ((cur.get(this.indexKey) as IndexEntry[] | undefined) ?? []).filter((e) => e[1] !== key);
        index.push([r.incident.id, key]);
        writes.set(this.indexKey, { value: index.slice(-INDEX_LIMIT), ttlMs: this.ttlMs });
      }
      return { writes, result: r };
    });
  }

  async list(): Promise<Incident[]> {
    const index = await this.index();
    if (index.length === 0) return [];
    const keys = [...new Set(index.map((e) => e[1]))];
    return this.store.transact(keys, this.now(), (cur) => ({
      writes: new Map(),
      result: keys.map((k) => cur.get(k) as Incident | undefined).filter((i): i is Incident => i !== undefined),
    }));
  }

  async setStatus(id: string, status: IncidentStatus, by: string): Promise<{ incident: Incident; changed: boolean }> {
    const entry = (await this.index()).find((e) => e[0] === id);
    if (!entry) throw new Error(`no incident ${id} in ${this.where}`);
    const key = entry[1];
    const now = this.now();
    // A refused change is the transaction's result, not an exception inside it (the
    // store would report that as a failed transaction).
    const r = await this.store.transact<Error | { incident: Incident; changed: boolean }>([key], now, (cur) => {
      const current = cur.get(key) as Incident | undefined;
      if (!current || current.id !== id) return { writes: new Map(), result: new Error(`no incident ${id} in ${this.where} (expired, or replaced by a newer incident of its rule and key)`) };
      let change: { incident: Incident; changed: boolean };
      try {
        change = changeStatus(current, status, by, new Date(now).toISOString());
      } catch (e) {
        return { writes: new Map(), result: e as Error };
      }
      return { writes: change.changed ? new Map([[key, { value: change.incident, ttlMs: this.ttlMs }]]) : new Map(), result: change };
    });
    if (r instanceof Error) throw r;
    return r;
  }

  private index(): Promise<IndexEntry[]> {
    return this.store.transact([this.indexKey], this.now(), (cur) => ({ writes: new Map(), result: (cur.get(this.indexKey) as IndexEntry[] | undefined) ?? [] }));
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
      throw new Error(`${this.file}: cannot read the incident file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const byId = new Map<string, Incident>();
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      let inc: Incident;
      try {
        inc = JSON.parse(line) as Incident;
      } catch {
        throw new Error(`${this.file}:${i + 1}: not a JSON incident`);
      }
      if (inc === null || typeof inc !== 'object' || typeof inc.id !== 'string') throw new Error(`${this.file}:${i + 1}: not an incident (no id)`);
      byId.set(inc.id, inc);
    });
    return byId;
  }

  async append(incident: Incident): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(incident)}\n`);
  }
}

/** The file as an IncidentBook: the open incident of a rule and key is found in it. */
export class FileIncidentBook implements IncidentBook {
  readonly where: string;

  constructor(
    private readonly file: IncidentFile,
    private readonly now: () => number = Date.now,
  ) {
    this.where = file.file;
  }

  async record(alert: Alert): Promise<{ incident: Incident; opened: boolean }> {
    const all = await this.file.all();
    const current = [...all.values()].find((i) => i.rule === alert.rule && i.key === alert.key && i.status !== 'resolved');
    const r = applyAlert(current, alert, new Date(this.now()).toISOString());
    if (r.opened || r.incident !== current) await this.file.append(r.incident);
    return r;
  }

  async list(): Promise<Incident[]> {
    return [...(await this.file.all()).values()];
  }

  async setStatus(id: string, status: IncidentStatus, by: string): Promise<{ incident: Incident; changed: boolean }> {
    const current = (await this.file.all()).get(id);
    if (!current) throw new Error(`no incident ${id} in ${this.file.file}`);
    const r = changeStatus(current, status, by, new Date(this.now()).toISOString());
    if (r.changed) await this.file.append(r.incident);
    return r;
  }
}
