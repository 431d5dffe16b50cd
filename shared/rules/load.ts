import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { ParseError, parse as parseJsonc, printParseErrorCode as describeJsoncError } from 'jsonc-parser';
import schema from '../../rules/rule.schema.json';
import { CompileOptions, Condition, ConditionError, Predicate, compileCondition } from './condition';
import { CompiledRule, RuleDefinition, RuleException } from './rule';
import { ListFile, ListItem, Lists, didYouMean, listFileProblems, resolveListRefs } from './lists';
import { OverrideFile, applyOverride, overrideFileProblems } from './overrides';
import { compileTemplate } from './template';
import { compileFirstOf } from '../util/field-path';
import { parseDuration } from '../util/duration';
import { Source } from '../events/event';
import { knownFields, producedBy } from '../events/fields';
import { loadVendor } from '../util/vendor';
import { compareText } from '../util/compare';

/** ajv, loaded on first use (see util/ajv-vendor.ts). */
export function ajvClass(): typeof import('ajv').default {
  return loadVendor<typeof import('../util/ajv-vendor')>('ajv', `${__dirname}/../util/ajv-vendor`).Ajv;
}

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
  /** The named lists, as loaded (rules folders in order, then settings). */
  lists: Lists;
  /** Where each rule's parts came from: its file, and the override file of each key an override set. */
  origins: Map<string, { file: string; overrides: Array<{ file: string; keys: string[] }>; lists: string[] }>;
  /** Rules loaded but inactive, and why (a list they require is empty). */
  inactive: Array<{ rule: string; reason: string }>;
}

export interface LoadOptions {
  /** Lists set by the settings (SECMON_LISTS): they replace lists of the same name. */
  lists?: Record<string, ListItem[]>;
  /**
   * Digests (textDigest) of rule files validated when the bundle was built: a file whose
   * text has one skips the schema and the authoring lint (compiling the schema is most of
   * a cold start). Everything else is checked as always.
   */
  trusted?: ReadonlySet<string>;
}

/** The digest of a rule file's text, as the build's manifest of validated files records it. */
export function textDigest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 32);
}

/** The digest of the rule schema: a manifest made with another schema is not trusted. */
export function schemaDigest(): string {
  return textDigest(JSON.stringify(schema));
}

let validator: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  if (!validator) {
    // verbose: errors carry their schema and data, for "did you mean".
    const ajv = new (ajvClass())({ allErrors: true, strict: false, verbose: true });
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

/**
 * Lists rule files (`*.json`, recursively, sorted; the schema itself excluded).
 * Synchronous, as the reading of the files: rules load once, at start-up, where
 * waiting on the file system's thread pool for each small file only adds latency.
 */
export function listRuleFiles(target: string): string[] {
  const stat = statSync(target);
  if (stat.isFile()) return [target];
  const out: string[] = [];
  const entries = readdirSync(target, { withFileTypes: true });
  entries.sort((a, b) => compareText(a.name, b.name));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(target, e.name);
    if (e.isDirectory()) out.push(...listRuleFiles(full));
    else if (e.name.endsWith('.json') && !e.name.endsWith('.schema.json')) out.push(full);
  }
  return out;
}

/**
 * Loads rules, list files and override files from the given folders or files, in
 * order: every file is read (JSON with `//` comments), lists are gathered, overrides
 * applied to the rules they name, list references resolved, and each rule validated
 * and compiled. Every problem is collected with file and JSON pointer; a file with a
 * problem is left out, the others still load.
 */
export async function loadRules(targets: string[], opts: LoadOptions = {}): Promise<LoadedRules> {
  const problems: RuleProblem[] = [];
  const files: string[] = [];
  const lists = new Lists();
  const defs: Array<{ def: RuleDefinition; file: string; trusted: boolean }> = [];
  const overrides: Array<{ doc: OverrideFile; file: string }> = [];
  const seen = new Map<string, string>();
  for (const target of targets) {
    let list: string[];
    try {
      list = listRuleFiles(target);
    } catch (e) {
      problems.push({ file: target, pointer: '', message: `cannot read rules: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      continue;
    }
    for (const file of list) {
      files.push(file);
      const text = readFileSync(file, 'utf8');
      const trusted = opts.trusted !== undefined && opts.trusted.size > 0 && opts.trusted.has(textDigest(text));
      const parsed = parseRuleFileText(text);
      if ('problem' in parsed) {
        problems.push({ file, pointer: '', message: parsed.problem });
        continue;
      }
      const doc = parsed.doc;
      if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && 'list' in doc) {
        const found = listFileProblems(doc as Record<string, unknown>);
        if (found.length > 0) problems.push(...found.map((p) => ({ file, ...p })));
        else lists.add(doc as unknown as ListFile, file);
        continue;
      }
      if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && 'override' in doc) {
        const found = overrideFileProblems(doc as Record<string, unknown>);
        if (found.length > 0) problems.push(...found.map((p) => ({ file, ...p })));
        else overrides.push({ doc: doc as unknown as OverrideFile, file });
        continue;
      }
      const checked = trusted ? { def: doc as RuleDefinition, problems: [] } : validateRuleDoc(doc, file);
      if (checked.problems.length > 0) {
        problems.push(...checked.problems);
        continue;
      }
      const id = checked.def!.id;
      const other = seen.get(id);
      if (other !== undefined) {
        problems.push({ file, pointer: '/id', message: `duplicate rule id "${id}" (also in ${other}); to change a rule you do not own, write an override: {"override": "${id}", …}` });
        continue;
      }
      seen.set(id, file);
      defs.push({ def: checked.def!, file, trusted });
    }
  }
  for (const [name, items] of Object.entries(opts.lists ?? {})) lists.add({ list: name, items, replace: true }, 'SECMON_LISTS');

  // Each rule's tests prove its own file: they run on the rule as written, before overrides.
  const asWritten = new Map(defs.map((d) => [d.def.id, d.def]));
  const origins: LoadedRules['origins'] = new Map();
  for (const { def, file } of defs) origins.set(def.id, { file, overrides: [], lists: [] });
  const byId = new Map(defs.map((d, i) => [d.def.id, i]));
  for (const { doc, file } of overrides) {
    const at = byId.get(doc.override);
    if (at === undefined) {
      problems.push({ file, pointer: '/override', message: `no rule "${doc.override}" to override${didYouMean(doc.override, [...byId.keys()])}` });
      continue;
    }
    const { def, changed } = applyOverride(defs[at].def, doc);
    const checked = validateRuleDoc(def, file);
    if (checked.problems.length > 0) {
      problems.push(...checked.problems);
      continue;
    }
    defs[at] = { def: checked.def!, file: defs[at].file, trusted: false };
    origins.get(doc.override)!.overrides.push({ file, keys: changed });
  }

  const rules: CompiledRule[] = [];
  const inactive: LoadedRules['inactive'] = [];
  for (const { def, file, trusted } of defs) {
    const found: Array<{ pointer: string; message: string }> = [];
    const used = new Set<string>();
    const resolved = resolveListRefs(def, lists, found, used);
    if (found.length > 0) {
      problems.push(...found.map((p) => ({ file, ...p })));
      continue;
    }
    origins.get(def.id)!.lists = [...used].sort();
    const empty = (def.requires ?? []).filter((name) => (lists.get(name)?.items.length ?? 0) === 0);
    const lint = trusted ? [] : lintRule(resolved);
    if (lint.length > 0) {
      problems.push(...lint.map((p) => ({ file, ...p })));
      continue;
    }
    try {
      const rule = compileRule(resolved, file, { validated: trusted });
      rule.asWritten = (given = {}) => {
        const merged = lists.copy();
        for (const [name, items] of Object.entries(given)) merged.add({ list: name, items, replace: true }, 'test');
        const again: Array<{ pointer: string; message: string }> = [];
        const r = compileRule(resolveListRefs(asWritten.get(def.id)!, merged, again, new Set()), file);
        if (again.length > 0) throw new ConditionError(again[0].pointer, again[0].message);
        return r;
      };
      if (empty.length > 0 && rule.enabled) {
        rule.enabled = false;
        inactive.push({ rule: def.id, reason: `inactive until list ${empty.map((n) => `"${n}"`).join(' and ')} ${empty.length > 1 ? 'have' : 'has'} items (a list file {"list": "${empty[0]}", "items": [...]} in a rules folder, or SECMON_LISTS)` });
      }
      rules.push(rule);
    } catch (e) {
      if (e instanceof ConditionError) problems.push({ file, pointer: e.pointer, message: e.message });
      else throw e;
    }
  }
  return { rules, problems, files, lists, origins, inactive };
}

/** A rule, list or override file's text: JSON, with line and block comments allowed. */
function parseRuleFileText(text: string): { doc: unknown } | { problem: string } {
  // Plain JSON (the bundled files) parses natively, several times faster than a JSONC scan.
  try {
    return { doc: JSON.parse(text) };
  } catch {
    // comments, or a real error: the JSONC parser says which, and where
  }
  const errors: ParseError[] = [];
  const doc = parseJsonc(text, errors, { disallowComments: false, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length === 0) return { doc };
  const first = errors[0];
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - before.lastIndexOf('\n');
  return { problem: `invalid JSON at line ${line}, column ${column}: ${describeJsoncError(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}` };
}

/** A rule document checked against the schema. */
function validateRuleDoc(doc: unknown, file: string): { def?: RuleDefinition; problems: RuleProblem[] } {
  const validate = schemaValidator();
  if (!validate(doc)) return { problems: explainSchemaErrors(validate.errors ?? []).map((p) => ({ file, ...p })) };
  return { def: doc as RuleDefinition, problems: [] };
}

export function compileRuleText(text: string, file: string): { rule?: CompiledRule; problems: RuleProblem[] } {
  const parsed = parseRuleFileText(text);
  if ('problem' in parsed) return { problems: [{ file, pointer: '', message: parsed.problem }] };
  const checked = validateRuleDoc(parsed.doc, file);
  if (!checked.def) return { problems: checked.problems };
  try {
    return { rule: compileRule(checked.def, file), problems: [] };
  } catch (e) {
    if (e instanceof ConditionError) return { problems: [{ file, pointer: e.pointer, message: e.message }] };
    throw e;
  }
}

export function compileRule(def: RuleDefinition, file: string, opts: CompileOptions = {}): CompiledRule {
  // Every condition of the rule, wherever its kind puts one (the top level, sequence
  // steps), is checked and compiled here, and found again by its JSON pointer.
  const predicates = new Map<string, Predicate>();
  for (const [pointer, condition] of conditionsOf(def)) {
    checkConditionShape(condition, pointer);
    predicates.set(pointer, compileCondition(condition, pointer, opts));
  }
  // Exceptions: an event that matches one never counts or alerts (the rule's condition is false for it).
  if (def.exceptions && def.exceptions.length > 0) {
    const condition = predicates.get('/condition')!;
    const excepted = compileCondition(exceptionsCondition(def.exceptions), '/exceptions');
    predicates.set('/condition', (f) => condition(f) && !excepted(f));
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
      : getters.length === 1
        ? (_fields: Record<string, unknown>, key: string) => key !== '-'
        : (fields: Record<string, unknown>) => {
            for (const g of getters) if (keyPart(g(fields)) === '-') return false;
            return true;
          };
  const groupOf = (fields: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    groupFields.forEach((f, i) => (out[f] = getters[i](fields) ?? null));
    return out;
  };
  // Messages are compiled at the first alert that renders them, as the annotated conditions below are.
  const render = lazyTemplate(def.message ?? def.title);
  const translations = new Map(Object.entries(def.translations ?? {}).map(([locale, t]) => [locale, { title: t.title, render: lazyTemplate(t.message ?? t.title) }]));
  const ruleReferences = def.references ?? [];
  const annotations = annotatedConditions(def);
  // Compiled at the first alert that asks: most rules never need them, and loading stays fast.
  let annotated: Array<[Predicate, string[]]> | undefined;
  const references = (fields: Record<string, unknown>): string[] => {
    if (annotations.length === 0) return ruleReferences;
    annotated ??= annotations.map((a) => [compileCondition(a.condition, a.pointer), a.references]);
    const out: string[] = [];
    for (const [matches, refs] of annotated) if (matches(fields)) for (const r of refs) if (!out.includes(r)) out.push(r);
    for (const r of ruleReferences) if (!out.includes(r)) out.push(r);
    return out;
  };
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
    translations,
    references,
  } as CompiledRule;
}

/**
 * The authoring lint: every field a rule reads (conditions, groupBy, the kind's
 * fields, exceptions, message placeholders) is one a normalizer of its sources
 * produces, and the message's placeholders are well formed.
 */
export function lintRule(def: RuleDefinition): Array<{ pointer: string; message: string }> {
  const sources = (Array.isArray(def.source) ? def.source : [def.source]) as Source[];
  const out: Array<{ pointer: string; message: string }> = [];
  const check = (path: string, pointer: string) => {
    if (!producedBy(path, sources)) out.push({ pointer, message: `field "${path}" is produced by no normalizer of source ${sources.join(', ')}${didYouMean(path, knownFields(sources))}` });
  };
  const walk = (node: unknown, pointer: string, relative: boolean) => {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, `${pointer}/${i}`, relative));
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (relative && n.references !== undefined) out.push({ pointer: `${pointer}/references`, message: 'references inside "where" are never read (its paths are relative to an element): put them on the "some" condition' });
    if (typeof n.field === 'string' && !relative) check(n.field, `${pointer}/field`);
    if (typeof n.some === 'string' && !relative) check(n.some, `${pointer}/some`);
    for (const [k, v] of Object.entries(n)) if (k !== 'field' && k !== 'some') walk(v, `${pointer}/${k}`, relative || k === 'where');
  };
  for (const [pointer, condition] of conditionsOf(def)) walk(condition, pointer, false);
  (def.groupBy ?? []).forEach((f, i) => check(f, `/groupBy/${i}`));
  (def.exceptions ?? []).forEach((ex, i) => ex.fields.forEach((f, j) => check(f, `/exceptions/${i}/fields/${j}`)));
  if (def.kind === 'threshold' && def.threshold.distinct) check(def.threshold.distinct, '/threshold/distinct');
  if (def.kind === 'newValue') check(def.newValue.field, '/newValue/field');
  if (def.kind === 'summary' && def.summary.distinct) check(def.summary.distinct, '/summary/distinct');
  const templates: Array<[string, string]> = [['/message', def.message ?? '']];
  for (const [locale, t] of Object.entries(def.translations ?? {})) templates.push([`/translations/${locale}/message`, t.message ?? '']);
  for (const [pointer, message] of templates) {
    const opens = (message.match(/\{\{/g) ?? []).length;
    const placeholders = [...message.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)];
    if (opens !== placeholders.length || /\{\{[^}]*$|\}\}[^{]*\}\}/.test(message)) out.push({ pointer, message: 'a placeholder is not closed: write {{field.path}}' });
    for (const m of placeholders) {
      if (m[1] === '') out.push({ pointer, message: 'an empty placeholder {{}}' });
      for (const name of m[1].split('??').map((x) => x.trim()).filter(Boolean)) if (name !== 'count' && name !== 'key' && !(name === 'values' && def.kind === 'summary')) check(name, pointer);
    }
  }
  return out;
}

/** Exceptions as one condition: any exception, any of its tuples, every field of the tuple. */
function exceptionsCondition(exceptions: RuleException[]): Condition {
  return {
    any: exceptions.map((ex) => {
      const tuples = (ex.values as unknown[]).map((t) => (Array.isArray(t) && ex.fields.length > 1 ? t : Array.isArray(t) && t.length === 1 ? t : [t]));
      return {
        any: tuples.map((tuple) => ({
          all: ex.fields.map((field, i) => {
            const comp = ex.comps?.[i] ?? 'equals';
            const v = tuple[i];
            if (Array.isArray(v)) return comp === 'cidr' ? { field, op: 'cidr' as const, value: v } : comp === 'equals' || comp === 'in' ? { field, op: 'in' as const, value: v } : { any: v.map((x) => ({ field, op: comp, value: x })) };
            return { field, op: comp === 'in' ? ('equals' as const) : comp, value: v };
          }),
        })),
      };
    }),
  } as Condition;
}

/**
 * The condition nodes of a rule that carry `references`, with their pointers, in rule
 * order (not inside `where`, whose paths are relative to an element: the lint says so).
 */
function annotatedConditions(def: RuleDefinition): Array<{ pointer: string; condition: Condition; references: string[] }> {
  const out: Array<{ pointer: string; condition: Condition; references: string[] }> = [];
  const walk = (c: Condition, pointer: string) => {
    if (c.references !== undefined && c.references.length > 0) out.push({ pointer, condition: c, references: c.references });
    if ('all' in c) c.all.forEach((x, i) => walk(x, `${pointer}/all/${i}`));
    else if ('any' in c) c.any.forEach((x, i) => walk(x, `${pointer}/any/${i}`));
    else if ('not' in c) walk(c.not, `${pointer}/not`);
  };
  for (const [pointer, condition] of conditionsOf(def)) walk(condition, pointer);
  return out;
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

function lazyTemplate(template: string): ReturnType<typeof compileTemplate> {
  let compiled: ReturnType<typeof compileTemplate> | undefined;
  return (fields, vars) => (compiled ??= compileTemplate(template))(fields, vars);
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
    case 'additionalProperties': {
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return { pointer: `${e.instancePath}/${String(p.additionalProperty)}`, message: `unknown property (not allowed by the rule schema)${didYouMean(String(p.additionalProperty), known)}` };
    }
    case 'required':
      return { pointer: e.instancePath, message: `missing required property "${String(p.missingProperty)}"` };
    case 'enum':
      return { pointer: e.instancePath, message: `must be one of ${(p.allowedValues as unknown[]).join(', ')}${typeof e.data === 'string' ? didYouMean(e.data, (p.allowedValues as unknown[]).map(String)) : ''}` };
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
