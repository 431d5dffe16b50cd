import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { ParseError, parse as parseJsonc, printParseErrorCode as describeJsoncError } from 'jsonc-parser';
import schema from '../../rules/rule.schema.json';
import { Condition, ConditionError, Predicate, compileCondition } from './condition';
import { CompiledRule, RuleDefinition } from './rule';
import { compileTemplate } from './template';
import { compileFirstOf } from '../util/field-path';
import { parseDuration } from '../util/duration';
import { Source } from '../events/event';

/** One problem in one rule file: `file: /json/pointer: sentence`. */
export interface RuleProblem {
  file: string;
  pointer: string;
  message: string;
}

export function formatProblem(p: RuleProblem): string {
  return `${p.file}: ${p.pointer || '/'}: ${p.message}`;
}

export interface LoadedRules {
  rules: CompiledRule[];
  problems: RuleProblem[];
  files: string[];
}

let validator: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    // The schema bounds each duration (`minDuration`, `maxDuration`), so that a rule
    // cannot ask for state kept beyond what the stores' TTLs can express.
    for (const [keyword, outside, says] of [
      ['minDuration', (ms: number, bound: number) => ms < bound, 'at least'],
      ['maxDuration', (ms: number, bound: number) => ms > bound, 'at most'],
    ] as const) {
      ajv.addKeyword({
        keyword,
        type: 'string',
        schemaType: 'string',
        errors: true,
        validate: function check(bound: string, value: string): boolean {
          let ms: number;
          try {
            ms = parseDuration(value);
          } catch {
            return true; // the pattern reports it
          }
          if (!outside(ms, parseDuration(bound))) return true;
          (check as unknown as { errors: Array<Partial<ErrorObject>> }).errors = [{ keyword, message: `must be ${says} ${bound}`, params: { bound } }];
          return false;
        },
      });
    }
    validator = ajv.compile(schema);
  }
  return validator;
}

/** Lists rule files (`*.json`, recursively, sorted; the schema itself excluded). */
export async function listRuleFiles(target: string): Promise<string[]> {
  const stat = await fs.stat(target);
  if (stat.isFile()) return [target];
  const out: string[] = [];
  const entries = await fs.readdir(target, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(target, e.name);
    if (e.isDirectory()) out.push(...(await listRuleFiles(full)));
    else if (e.name.endsWith('.json') && !e.name.endsWith('.schema.json')) out.push(full);
  }
  return out;
}

/**
 * Loads, validates and compiles every rule file under the given folders or files.
 * Every problem is collected (not just the first), with file and JSON pointer;
 * a rule with a problem is left out, the others still load.
 */
export async function loadRules(targets: string[]): Promise<LoadedRules> {
  const problems: RuleProblem[] = [];
  const rules: CompiledRule[] = [];
  const files: string[] = [];
  const seen = new Map<string, string>();
  for (const target of targets) {
    let list: string[];
    try {
      list = await listRuleFiles(target);
    } catch (e) {
      problems.push({ file: target, pointer: '', message: `cannot read rules: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      continue;
    }
    for (const file of list) {
      files.push(file);
      const text = await fs.readFile(file, 'utf8');
      const result = compileRuleText(text, file);
      problems.push(...result.problems);
      if (!result.rule) continue;
      const other = seen.get(result.rule.id);
      if (other !== undefined) {
        problems.push({ file, pointer: '/id', message: `duplicate rule id "${result.rule.id}" (also in ${other})` });
        continue;
      }
      seen.set(result.rule.id, file);
      rules.push(result.rule);
    }
  }
  return { rules, problems, files };
}

export function compileRuleText(text: string, file: string): { rule?: CompiledRule; problems: RuleProblem[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { problems: [{ file, pointer: '', message: describeJsonError(text, e as Error) }] };
  }
  const validate = schemaValidator();
  if (!validate(doc)) {
    return { problems: explainSchemaErrors(validate.errors ?? []).map((p) => ({ file, ...p })) };
  }
  const def = doc as RuleDefinition;
  try {
    return { rule: compileRule(def, file), problems: [] };
  } catch (e) {
    if (e instanceof ConditionError) return { problems: [{ file, pointer: e.pointer, message: e.message }] };
    throw e;
  }
}

export function compileRule(def: RuleDefinition, file: string): CompiledRule {
  // Every condition of the rule, wherever its kind puts one (the top level, sequence
  // steps), is checked and compiled here, and found again by its JSON pointer.
  const predicates = new Map<string, Predicate>();
  for (const [pointer, condition] of conditionsOf(def)) {
    checkConditionShape(condition, pointer);
    predicates.set(pointer, compileCondition(condition, pointer));
  }
  const groupFields = def.groupBy ?? [];
  const getters = groupFields.map((f) => compileFirstOf(f));
  const keyOf =
    getters.length === 0
      ? () => '*'
      : getters.length === 1
        ? (fields: Record<string, unknown>) => keyPart(getters[0](fields))
        : (fields: Record<string, unknown>) => getters.map((g) => keyPart(g(fields))).join('|');
  const hasGroup =
    getters.length === 0
      ? () => true
      : (fields: Record<string, unknown>) => {
          for (const g of getters) if (keyPart(g(fields)) === '-') return false;
          return true;
        };
  const groupOf = (fields: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    groupFields.forEach((f, i) => (out[f] = getters[i](fields) ?? null));
    return out;
  };
  const render = compileTemplate(def.message ?? def.title);
  // The definition and its kind travel together: one member of the union (TypeScript cannot see it through `def.kind`).
  return {
    id: def.id,
    file,
    definition: def,
    kind: def.kind,
    severity: def.severity,
    sources: (Array.isArray(def.source) ? def.source : [def.source]) as Source[],
    enabled: def.enabled !== false,
    matches: predicates.get('/condition')!,
    predicate(pointer) {
      const p = predicates.get(pointer);
      if (p === undefined) throw new Error(`rule ${def.id}: no condition at ${pointer}`);
      return p;
    },
    keyOf,
    groupSignature: JSON.stringify(groupFields),
    groupOf,
    hasGroup,
    suppressMs: def.suppress === undefined ? undefined : parseDuration(def.suppress),
    render,
  } as CompiledRule;
}

/** Every `condition` of a rule definition with its JSON pointer (its tests excluded: they hold events). */
function conditionsOf(def: RuleDefinition): Array<[string, Condition]> {
  const out: Array<[string, Condition]> = [];
  const walk = (node: unknown, pointer: string) => {
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      const p = `${pointer}/${k}`;
      if (k === 'condition' && v !== null && typeof v === 'object' && !Array.isArray(v)) out.push([p, v as Condition]);
      else if (!(pointer === '' && k === 'tests')) walk(v, p);
    }
  };
  walk(def, '');
  return out;
}

function keyPart(v: unknown): string {
  if (v === undefined || v === null || v === '') return '-';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The schema allows any mix of keys; a condition node must hold exactly one form. */
function checkConditionShape(c: Condition, pointer: string): void {
  const forms = ['all', 'any', 'not', 'some', 'field'].filter((k) => k in c);
  if (forms.length !== 1) {
    throw new ConditionError(pointer, `a condition holds exactly one of all, any, not, some with where, or field with op (found ${forms.join(', ') || 'none'})`);
  }
  if ('all' in c) c.all.forEach((x, i) => checkConditionShape(x, `${pointer}/all/${i}`));
  else if ('any' in c) c.any.forEach((x, i) => checkConditionShape(x, `${pointer}/any/${i}`));
  else if ('not' in c) checkConditionShape(c.not, `${pointer}/not`);
  else if ('some' in c) checkConditionShape(c.where, `${pointer}/where`);
}

/**
 * JSON.parse's messages differ between Node versions and often carry no position;
 * jsonc-parser (strict mode) reports the offset, which becomes a line and column.
 */
function describeJsonError(text: string, e: Error): string {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length === 0) return `invalid JSON: ${e.message}`;
  const first = errors[0];
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - before.lastIndexOf('\n');
  return `invalid JSON at line ${line}, column ${column}: ${describeJsoncError(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`;
}

/** Turns ajv's errors into one plain sentence per real problem. */
export function explainSchemaErrors(errors: ErrorObject[]): Array<{ pointer: string; message: string }> {
  // A failed oneOf reports every branch; when some branch error lies deeper than the
  // oneOf itself, the user chose that branch, so only its errors are worth showing.
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const out: Array<{ pointer: string; message: string }> = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    const under = [...oneOfPaths].find((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`));
    if (under !== undefined) {
      const deeper = errors.some((x) => x.instancePath.startsWith(`${under}/`) && x.keyword !== 'oneOf');
      if (deeper && e.instancePath === under) continue;
      const enumHere = errors.some((x) => x.instancePath === under && x.keyword === 'enum');
      if (!deeper && (e.keyword === 'oneOf' || e.keyword === 'type') && enumHere) continue;
    }
    const item = explainOne(e);
    const k = `${item.pointer}\u0000${item.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(item);
    }
  }
  return out;
}

function explainOne(e: ErrorObject): { pointer: string; message: string } {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return { pointer: `${e.instancePath}/${String(p.additionalProperty)}`, message: 'unknown property (not allowed by the rule schema)' };
    case 'required':
      return { pointer: e.instancePath, message: `missing required property "${String(p.missingProperty)}"` };
    case 'enum':
      return { pointer: e.instancePath, message: `must be one of ${(p.allowedValues as unknown[]).join(', ')}` };
    case 'const':
      return { pointer: e.instancePath, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'dependencies':
      return { pointer: e.instancePath, message: `"${String(p.property)}" needs "${String(p.missingProperty)}"` };
    case 'minProperties':
      return { pointer: e.instancePath, message: 'empty condition: use all, any, not, or field with op' };
    case 'pattern':
      return { pointer: e.instancePath, message: patternMessage(e.instancePath, String(p.pattern)) };
    case 'not': {
      // The allOf of the rule schema: a kind's parameters belong to that kind only.
      const prop = kindOfAllOfBranch(e.schemaPath);
      return { pointer: e.instancePath, message: prop ? `${prop} is only allowed with kind "${prop}"` : 'not allowed here' };
    }
    case 'oneOf':
      return { pointer: e.instancePath, message: 'does not match any allowed form' };
    default:
      return { pointer: e.instancePath, message: e.message ?? e.keyword };
  }
}

/** The kind an `allOf` branch of the rule schema is about (`#/allOf/2/else/not` → its `if`'s kind), read from the schema itself. */
function kindOfAllOfBranch(schemaPath: string): string | undefined {
  const i = /^#\/allOf\/(\d+)\//.exec(schemaPath)?.[1];
  if (i === undefined) return undefined;
  const branch = (schema as { allOf?: Array<{ if?: { properties?: { kind?: { const?: string } } } }> }).allOf?.[Number(i)];
  return branch?.if?.properties?.kind?.const;
}

function patternMessage(pointer: string, pattern: string): string {
  if (pointer === '/id') return 'must be 3-81 characters of a-z, 0-9, ".", "_", "-", starting with a letter or digit';
  if (/window$|suppress$|lookback$|after$/.test(pointer)) return 'must be a duration such as 30s, 5m, 1h or 7d';
  if (/\/value\/(from|to)$/.test(pointer)) return 'must be a time of day such as 09:00';
  if (pattern.startsWith('^https?')) return 'must be an http(s) URL';
  if (pattern.startsWith('^[^.')) return 'must be a dot path such as source.ip (no spaces, no empty segment)';
  return `must match ${pattern}`;
}
