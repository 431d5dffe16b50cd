import { RuleDefinition } from './rule';

/**
 * A team's changes to a rule it does not own: `{"override": "sudo.command",
 * "enabled": false}` in its own rules folder, after `@bundled`. What an override may
 * change is what teams tune; exceptions are appended to the rule's own. Overrides
 * apply in load order (a later folder's wins); the result is validated as a rule, so
 * a bad value is reported at its place in the override file.
 */
export interface OverrideFile {
  override: string;
  enabled?: boolean;
  severity?: RuleDefinition['severity'];
  suppress?: string;
  threshold?: { count?: number; window?: string };
  summary?: { period?: string; distinct?: string; maxValues?: number };
  tags?: string[];
  message?: string;
  translations?: RuleDefinition['translations'];
  exceptions?: unknown[];
  requires?: string[];
}

/** The keys an override may carry, each applied to the rule key of the same name. */
export const OVERRIDABLE = ['enabled', 'severity', 'suppress', 'threshold', 'summary', 'tags', 'message', 'translations', 'exceptions', 'requires'] as const;

export function overrideFileProblems(doc: Record<string, unknown>): Array<{ pointer: string; message: string }> {
  const out: Array<{ pointer: string; message: string }> = [];
  if (typeof doc.override !== 'string' || doc.override === '') out.push({ pointer: '/override', message: 'must name a rule id' });
  for (const k of Object.keys(doc)) {
    if (k === 'override' || k === '$schema' || k === 'description' || (OVERRIDABLE as readonly string[]).includes(k)) continue;
    out.push({ pointer: `/${k}`, message: `an override cannot change "${k}" (it may change ${OVERRIDABLE.join(', ')})` });
  }
  return out;
}

/**
 * The rule with the override applied, and which keys it set. `threshold` and `summary`
 * merge into the rule's own (count and window; period, distinct, maxValues),
 * `exceptions` append, the others replace.
 */
export function applyOverride(def: RuleDefinition, o: OverrideFile): { def: RuleDefinition; changed: string[] } {
  const out = JSON.parse(JSON.stringify(def)) as Record<string, unknown>;
  const changed: string[] = [];
  for (const k of OVERRIDABLE) {
    const v = o[k];
    if (v === undefined) continue;
    changed.push(k);
    if (k === 'threshold' || k === 'summary') out[k] = { ...((out[k] as object | undefined) ?? {}), ...(v as object) };
    else if (k === 'exceptions') out.exceptions = [...((out.exceptions as unknown[] | undefined) ?? []), ...(v as unknown[])];
    else out[k] = v;
  }
  return { def: out as unknown as RuleDefinition, changed };
}
