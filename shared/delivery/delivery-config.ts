import type { ValidateFunction } from 'ajv';
import schema from './dispatch.schema.json';
import { ajvClass, explainSchemaErrors } from '../rules/load';
import { Channel } from './channels/channel';
import { DingTalkRobot } from './channels/dingtalk-robot';
import { WebhookChannel } from './channels/webhook';
import { FileChannel } from './channels/file';
import { EmailChannel } from './channels/email';
import { DingTalkAppRobot, DingTalkTodo } from './channels/dingtalk-app';
import { Severity } from '../rules/rule';

import { SecretRef, SecretSource, secretValue } from '../config/secrets';
import type { Locale } from '../config/config';
import { zoneOf } from '../util/zone';
import { DingTalkStyle } from './render/dingtalk';
import { DEFAULT_PRESENTATION, Presentation } from './render/view';

export interface RouteConfig {
  name?: string;
  severities?: Severity[];
  rules?: string[];
  tags?: string[];
  channels: string[];
  mentions?: string[];
  incident?: boolean;
}

export interface DispatchConfigFile {
  channels: Record<string, { type: 'dingtalk' | 'dingtalk-app' | 'dingtalk-todo' | 'webhook' | 'email' | 'file'; locale?: Locale; timezone?: string; style?: DingTalkStyle; [k: string]: unknown }>;
  routes: RouteConfig[];
  locale?: Locale;
  timezone?: string;
  deadLetter?: string;
  retry?: { attempts?: number; baseDelayMs?: number };
  incidents?: { file?: string; channels?: string[] };
}

export interface DispatchConfig {
  channels: Map<string, Channel>;
  routes: RouteConfig[];
  deadLetter: string;
  retry: { attempts: number; baseDelayMs: number };
  incidents: { file: string; channels: string[] };
}

export class DispatchConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`dispatch configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'DispatchConfigError';
  }
}

let validator: ValidateFunction | undefined;
/** Compiled on first use: functions that never read a dispatch configuration do not pay for it at start-up. */
function validate(doc: unknown): boolean {
  validator ??= new (ajvClass())({ allErrors: true, strict: false }).compile(schema);
  return validator(doc) as boolean;
}

/**
 * Validates a dispatch configuration and builds its channels. Secrets are looked up
 * in `env` by name, or in `kms` (values read beforehand, see kmsSecretNames); a
 * missing one is an error naming the channel and the variable or secret, never
 * showing a value.
 */
export function buildDispatchConfig(
  doc: unknown,
  file: string,
  env: Record<string, string | undefined>,
  now: () => number = Date.now,
  kms: Map<string, string> = new Map(),
  /** Language and time zone where the file sets none (SECMON_ALERT_LOCALE, SECMON_ALERT_TZ). */
  defaults: Presentation = DEFAULT_PRESENTATION,
): DispatchConfig {
  if (!validate(doc)) {
    throw new DispatchConfigError(explainSchemaErrors(validator?.errors ?? []).map((p) => `${file}: ${p.pointer || '/'}: ${p.message}`));
  }
  const cfg = doc as unknown as DispatchConfigFile;
  const problems: string[] = [];
  const secret = (channel: string, field: string, ref: unknown): string => {
    if (typeof ref === 'string') return ref;
    const r = ref as SecretRef;
    if ('kms' in r) {
      const value = secretValue(r, kms);
      if (!value) problems.push(`${file}: /channels/${channel}/${field}: KMS secret ${r.kms}${r.field === undefined ? ' was not read' : ` has no text field "${r.field}"`}`);
      return value ?? '';
    }
    const value = env[r.env];
    if (!value) problems.push(`${file}: /channels/${channel}/${field}: environment variable ${r.env} is not set`);
    return value ?? '';
  };
  const zoneProblem = (pointer: string, tz: string | undefined) => {
    if (tz === undefined) return;
    try {
      zoneOf(tz);
    } catch (e) {
      problems.push(`${file}: ${pointer}: ${(e as Error).message}`);
    }
  };
  zoneProblem('/timezone', cfg.timezone);
  const channels = new Map<string, Channel>();
  for (const [name, c] of Object.entries(cfg.channels)) {
    zoneProblem(`/channels/${name}/timezone`, c.timezone);
    const presentation: Presentation = { locale: c.locale ?? cfg.locale ?? defaults.locale, timezone: c.timezone ?? cfg.timezone ?? defaults.timezone };
    if (c.type === 'dingtalk') {
      channels.set(name, new DingTalkRobot(name, secret(name, 'webhook', c.webhook), secret(name, 'secret', c.secret), c.keyword as string | undefined, (c.perMinute as number | undefined) ?? 19, now, presentation, c.style ?? 'auto'));
    } else if (c.type === 'dingtalk-app' || c.type === 'dingtalk-todo') {
      const api = { appKey: secret(name, 'appKey', c.appKey), appSecret: secret(name, 'appSecret', c.appSecret), endpoint: c.endpoint as string | undefined, now };
      channels.set(
        name,
        c.type === 'dingtalk-app'
          ? new DingTalkAppRobot(name, { ...api, robotCode: c.robotCode as string, openConversationId: c.openConversationId as string }, presentation, c.style ?? 'auto')
          : new DingTalkTodo(name, { ...api, operatorUnionId: c.operatorUnionId as string, executorUnionIds: c.executorUnionIds as string[] }),
      );
    } else if (c.type === 'email') {
      channels.set(
        name,
        new EmailChannel(name, {
          host: c.host as string,
          port: (c.port as number | undefined) ?? 465,
          secure: (c.secure as boolean | undefined) ?? true,
          user: c.user === undefined ? undefined : secret(name, 'user', c.user),
          pass: c.pass === undefined ? undefined : secret(name, 'pass', c.pass),
          from: c.from as string,
          to: c.to as string[],
          perMinute: c.perMinute as number | undefined,
        }, presentation),
      );
    } else if (c.type === 'webhook') {
      channels.set(name, new WebhookChannel(name, secret(name, 'url', c.url), secret(name, 'secret', c.secret), now));
    } else {
      channels.set(name, new FileChannel(name, c.path as string));
    }
  }
  (cfg.incidents?.channels ?? []).forEach((ch, i) => {
    if (!channels.has(ch)) problems.push(`${file}: /incidents/channels/${i}: no channel named "${ch}"`);
  });
  cfg.routes.forEach((r, i) => {
    for (const ch of r.channels) if (!channels.has(ch)) problems.push(`${file}: /routes/${i}/channels: no channel named "${ch}"`);
  });
  if (problems.length) throw new DispatchConfigError(problems);
  return {
    channels,
    routes: cfg.routes,
    deadLetter: cfg.deadLetter ?? '.secmon/dead-letter.jsonl',
    retry: { attempts: cfg.retry?.attempts ?? 4, baseDelayMs: cfg.retry?.baseDelayMs ?? 500 },
    incidents: { file: cfg.incidents?.file ?? '.secmon/incidents.jsonl', channels: cfg.incidents?.channels ?? [] },
  };
}

/** The KMS secrets a dispatch configuration names (`{"kms": NAME}` references in its channels). */
export function kmsSecretNames(doc: unknown): string[] {
  const names = new Set<string>();
  const channels = (doc as DispatchConfigFile | undefined)?.channels;
  if (channels && typeof channels === 'object') {
    for (const c of Object.values(channels)) {
      for (const v of Object.values(c ?? {})) if (v && typeof v === 'object' && typeof (v as { kms?: unknown }).kms === 'string') names.add((v as { kms: string }).kms);
    }
  }
  return [...names].sort();
}

/**
 * Reads and builds a dispatch configuration file (JSON), with the KMS secrets it names
 * read from `secrets` (none in the CLI: a KMS reference there is an error saying so).
 */
export async function loadDispatchConfig(file: string, env: Record<string, string | undefined>, secrets?: SecretSource, defaults: Presentation = DEFAULT_PRESENTATION): Promise<DispatchConfig> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new DispatchConfigError([`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new DispatchConfigError([`${file}: not valid JSON (${(e as Error).message})`]);
  }
  const names = kmsSecretNames(doc);
  if (names.length > 0 && !secrets) {
    throw new DispatchConfigError([`${file}: names KMS secrets (${names.join(', ')}), which only the functions read: locally, use {"env": NAME} references`]);
  }
  return buildDispatchConfig(doc, file, env, Date.now, names.length > 0 ? await secrets!.read(names) : undefined, defaults);
}
