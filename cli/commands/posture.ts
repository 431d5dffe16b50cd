import { Assembly, RuleLoadError, assemble } from '../../shared/assembly/assemble';
import { ConfigError } from '../../shared/config/config';
import type { createPostureApis } from '../../shared/posture/clients';
import { runPostureScan } from '../../shared/posture/scan';
import { formatProblem } from '../../shared/rules/load';
import { loadVendor } from '../../shared/util/vendor';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../options';
import { alertJson, colors, formatAlert, safeText } from '../output/terminal';
import { OutputWriter } from '../output/writer';
import { SettingsOptions, settingSources } from '../settings';

export interface PostureCliOptions extends SettingsOptions {
  account?: string;
  region: string;
  endpoint?: string[];
  rules?: string[];
  json?: boolean;
  events?: boolean;
}

/** `--endpoint` names and the settings they stand for. */
const ENDPOINT_SETTINGS: Record<string, string> = {
  ram: 'SECMON_RAM_ENDPOINT',
  ims: 'SECMON_IMS_ENDPOINT',
  ecs: 'SECMON_ECS_ENDPOINT',
  bss: 'SECMON_BSS_ENDPOINT',
  oss: 'SECMON_OSS_ENDPOINT',
  regional: 'SECMON_POSTURE_REGION_ENDPOINT',
};

/**
 * `secmon posture`: the posture scan of the function, from a laptop, with the caller's
 * own credentials (the standard ALIBABA_CLOUD_* variables), through the same checks,
 * rules and alert output as `replay`. Endpoints are the settings', or `--endpoint
 * NAME=URL`. Exit 1 when a check could not finish (what and why is on stderr).
 */
export async function postureCommand(o: PostureCliOptions): Promise<number> {
  const account = o.account ?? process.env.ALIBABA_CLOUD_ACCOUNT_ID;
  if (!account || !/^\d{6,20}$/.test(account)) throw new CliError('posture: give the account id: --account 1234567890123456 (or ALIBABA_CLOUD_ACCOUNT_ID)', EXIT_USAGE);
  const accessKeyId = process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
  const accessKeySecret = process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
  if (!accessKeyId || !accessKeySecret) {
    throw new CliError('posture: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN for STS credentials) to a read-only identity: see the README, Posture scan', EXIT_USAGE);
  }
  const overrides: Record<string, string> = {};
  for (const pair of o.endpoint ?? []) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? '' : pair.slice(0, eq);
    if (!ENDPOINT_SETTINGS[name]) throw new CliError(`--endpoint ${pair}: expected NAME=URL, NAME one of ${Object.keys(ENDPOINT_SETTINGS).join(', ')}`, EXIT_USAGE);
    overrides[ENDPOINT_SETTINGS[name]] = pair.slice(eq + 1);
  }

  let assembly: Assembly;
  try {
    assembly = await assemble({ env: process.env, settings: [...(await settingSources(o)), overrides], rulesDirs: o.rules, undeliverable: 'file', localIncidents: true, problem: (m) => process.stderr.write(`${safeText(m, 2000)}\n`) });
  } catch (e) {
    if (e instanceof RuleLoadError) {
      for (const p of e.problems) process.stderr.write(`${formatProblem(p)}\n`);
      return EXIT_FAILED;
    }
    if (e instanceof ConfigError) throw new CliError(e.message, EXIT_USAGE);
    throw e;
  }
  const errColors = colors(Boolean(process.stderr.isTTY) && !process.env.NO_COLOR);
  const c = colors(!o.json && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  const output = new OutputWriter();
  try {
    const cfg = assembly.config;
    const { createPostureApis: create } = loadVendor<{ createPostureApis: typeof createPostureApis }>('posture-clients', `${__dirname}/../../shared/posture/clients`);
    const credentials = { accessKeyId, accessKeySecret, securityToken: process.env.ALIBABA_CLOUD_SECURITY_TOKEN || undefined };
    const apis = create({ ram: cfg.ramEndpoint, ims: cfg.imsEndpoint, ecs: cfg.ecsEndpoint, regional: cfg.postureRegionEndpoint, bss: cfg.bssEndpoint, oss: cfg.ossEndpoint }, { get: () => credentials });
    const scan = await runPostureScan(apis, account, o.region, Date.now());
    if (o.events) {
      for (const e of scan.events) await output.writeLine(JSON.stringify(e.fields));
    } else {
      for (const alert of await assembly.alerter.process(scan.events)) await (o.json ? output.writeLine(alertJson(alert)) : output.write(`${formatAlert(alert, c)}\n\n`));
    }
    await output.flush();
    const lines = ['Posture scan', ...scan.checks.map((k) => `  ${k.id.padEnd(30)} ${k.error === undefined ? `${k.events} event(s)` : errColors.yellow('incomplete')}`), `  calls ${scan.calls}, throttled ${scan.throttled}`];
    process.stderr.write(`${lines.join('\n')}\n`);
    for (const p of scan.problems) {
      process.stderr.write(`${errColors.yellow('incomplete')}: ${p.check}: ${safeText(p.api ? `${p.api} needs ${p.permission} (${p.message})` : p.message, 500)}\n`);
    }
    return scan.problems.length > 0 ? EXIT_FAILED : EXIT_OK;
  } finally {
    await output.flush();
    await assembly.close();
  }
}
