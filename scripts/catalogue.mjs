// Generates docs/CATALOGUE.md from the rule files, so the catalogue cannot drift from
// the rules: every rule with its severity, source, kind, tags and references, and the
// monitoring catalogue of the product design (DESIGN §7) mapped to the rules that
// implement each line. `node scripts/catalogue.mjs --check` fails if the file is stale.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'docs', 'CATALOGUE.md');

/** DESIGN §7, line by line: [area, monitor, rule ids that implement it]. */
const CATALOGUE = [
  ['identity', 'root console sign-in (CIS 2.18)', ['actiontrail.root-console-signin']],
  ['identity', 'console sign-in without MFA (CIS 2.17)', ['actiontrail.console-signin-without-mfa']],
  ['identity', 'console sign-in failures burst (CIS 2.19)', ['actiontrail.console-signin-failures']],
  ['identity', 'root AccessKey use', ['actiontrail.root-accesskey-use']],
  ['identity', 'AccessKey created (for the root account: high)', ['actiontrail.root-accesskey-created', 'actiontrail.accesskey-created']],
  ['identity', 'AdministratorAccess attached, or a * on * policy created (privilege escalation)', ['actiontrail.ram-privilege-escalation']],
  ['identity', 'password policy, security preference and login profile changes', ['actiontrail.password-policy-change']],
  ['identity', 'RAM policy changes (CIS 2.10)', ['actiontrail.ram-policy-change']],
  ['identity', 'user/group/role membership changes', ['actiontrail.ram-membership-change']],
  ['identity', 'MFA device unbound or deleted', ['actiontrail.mfa-device-removed']],
  ['identity', 'login after long dormancy', ['actiontrail.console-signin-after-dormancy']],
  ['identity', 'sign-in from a new IP', ['actiontrail.console-signin-new-ip']],
  ['identity', 'sign-in outside working hours', ['actiontrail.console-signin-off-hours']],
  ['logging', 'ActionTrail stopped, deleted or changed', ['actiontrail.trail-changed']],
  ['network', 'security group changes (CIS 2.22), console ConfigureSecurityGroupPermissions included', ['actiontrail.security-group-change']],
  ['network', 'a security group opened to 0.0.0.0/0 on SSH 22 or RDP 3389 (bypassing the bastion)', ['actiontrail.security-group-open-admin-port']],
  ['network', 'VPC and route changes (CIS 2.12, 2.13)', ['actiontrail.vpc-route-change']],
  ['network', 'Cloud Firewall policy changes (CIS 2.11)', ['actiontrail.cloud-firewall-change']],
  ['network', 'VPC flow log disabled', ['actiontrail.vpc-flow-log-disabled']],
  ['compute', 'ECS release protection off', ['actiontrail.ecs-release-protection-off']],
  ['compute', 'instance and disk release', ['actiontrail.ecs-instance-or-disk-release']],
  ['compute', 'automatic snapshot policy removed', ['actiontrail.snapshot-policy-removed']],
  ['data', 'KMS key disabled or scheduled for deletion (CIS 2.20)', ['actiontrail.kms-key-disabled-or-deleted']],
  ['data', 'OSS bucket ACL/policy changes and public buckets (CIS 2.14, 2.21)', ['actiontrail.oss-bucket-permission-change']],
  ['data', 'RDS configuration changes (CIS 2.15)', ['actiontrail.rds-config-change']],
  ['data', 'burst of OSS object reads by one AccessKey', ['actiontrail.oss-read-burst']],
  ['API', 'unauthorized API calls burst (CIS 2.16)', ['actiontrail.unauthorized-api-calls']],
  ['API', 'burst of instance creation (cost and crypto-mining signal)', ['actiontrail.instance-creation-burst']],
  ['hosts', 'SSH failed-auth burst per source IP', ['sshd.failed-auth-burst', 'sshd.invalid-user-burst', 'sshd.preauth-disconnect-burst']],
  ['hosts', 'password spraying (many user names from one IP)', ['sshd.password-spraying']],
  ['hosts', 'brute force followed by a successful login', ['sshd.brute-force-then-success']],
  ['hosts', 'SSH successful login', ['sshd.successful-login']],
  ['hosts', 'root login over SSH', ['sshd.root-login']],
  ['hosts', 'ROOT LOGIN REFUSED: a valid root credential presented', ['sshd.root-login-refused']],
  ['hosts', 'su failures and su to root', ['su.failure-burst', 'su.to-root']],
  ['hosts', 'sudo command invocations', ['sudo.command']],
  ['hosts', 'sudo failures and users not in sudoers', ['sudo.failure']],
  ['hosts', 'dangerous sudo commands (such as rm -rf /)', ['sudo.dangerous-command']],
  ['hosts', 'local user and group changes', ['host.local-account-change']],
  ['hosts', 'web server error bursts', ['host.web-error-burst']],
  ['host state (osquery)', 'new listening socket', ['osquery.new-listening-socket']],
  ['host state (osquery)', 'authorized_keys or known_hosts changed', ['osquery.ssh-keys-changed']],
  ['host state (osquery)', 'APT/YUM signing keys added', ['osquery.package-signing-key-added']],
  ['host state (osquery)', 'zombie and CLOSE_WAIT build-up', ['osquery.zombie-or-close-wait-buildup']],
  ['host state (osquery)', 'user and group list changes (monitoring list of the reference)', ['osquery.user-group-list-change']],
  ['posture', 'RAM users with console access and no MFA (timer scan)', ['posture.ram-user-console-without-mfa']],
];

/**
 * The CIS Alibaba Cloud Foundations Benchmark's log-monitoring recommendations
 * (section 2.10 to 2.22), in our words: [id, what it asks to be alerted on, rules, why not].
 */
const CIS = [
  ['2.10', 'RAM policy changes', ['actiontrail.ram-policy-change', 'actiontrail.ram-privilege-escalation']],
  ['2.11', 'Cloud Firewall changes', ['actiontrail.cloud-firewall-change']],
  ['2.12', 'VPC changes', ['actiontrail.vpc-route-change', 'actiontrail.vpc-flow-log-disabled']],
  ['2.13', 'VPC route table changes', ['actiontrail.vpc-route-change']],
  ['2.14', 'OSS bucket policy changes', ['actiontrail.oss-bucket-permission-change']],
  ['2.15', 'RDS instance configuration changes', ['actiontrail.rds-config-change']],
  ['2.16', 'unauthorized API calls', ['actiontrail.unauthorized-api-calls']],
  ['2.17', 'console sign-in without MFA', ['actiontrail.console-signin-without-mfa']],
  ['2.18', 'use of the root account', ['actiontrail.root-console-signin', 'actiontrail.root-accesskey-use', 'actiontrail.root-accesskey-created']],
  ['2.19', 'console authentication failures', ['actiontrail.console-signin-failures']],
  ['2.20', 'disabling or scheduled deletion of customer-created KMS keys', ['actiontrail.kms-key-disabled-or-deleted']],
  ['2.21', 'OSS bucket permission (ACL) changes', ['actiontrail.oss-bucket-permission-change']],
  ['2.22', 'security group changes', ['actiontrail.security-group-change', 'actiontrail.security-group-open-admin-port']],
];

/**
 * The ActionTrail alert templates of Alibaba's landing zone (the terraform module
 * alibabacloud-landing-zone-actiontrail-event-alert), by template name: the rules that
 * cover each, or why none does.
 */
const LANDING_ZONE = [
  ['cis.at.abnormal_ak_usage', 'AccessKey used abnormally', [], 'needs a per-key usage baseline (source addresses, APIs): not a per-event rule yet'],
  ['cis.at.abnormal_login', 'abnormal console sign-in', ['actiontrail.console-signin-new-ip', 'actiontrail.console-signin-after-dormancy']],
  ['cis.at.abnormal_pwd_mod_cnt', 'password changed unusually often', [], 'a threshold on ChangePassword per user: not bundled yet'],
  ['cis.at.ak_conf_change', 'KMS key configuration change', ['actiontrail.kms-key-disabled-or-deleted'], 'disabling and deletion only; key policy and rotation changes are not bundled'],
  ['cis.at.api_err', 'API errors', ['actiontrail.unauthorized-api-calls'], 'permission errors only; other API errors are noise more than signal'],
  ['cis.at.cfw_ai_off', 'Cloud Firewall intelligent protection off', ['actiontrail.cloud-firewall-change'], 'the switch operations the rule lists'],
  ['cis.at.cfw_assets_auto_protec_off', 'Cloud Firewall automatic asset protection off', ['actiontrail.cloud-firewall-change'], 'the switch operations the rule lists'],
  ['cis.at.cfw_assets_protec_off', 'Cloud Firewall asset protection off', ['actiontrail.cloud-firewall-change']],
  ['cis.at.cfw_basic_rule_off', 'Cloud Firewall basic rules off', [], 'the operation names are not published with the template'],
  ['cis.at.cfw_log_off', 'Cloud Firewall logging off', [], 'the operation names are not published with the template'],
  ['cis.at.cfw_loose_block', 'Cloud Firewall loose blocking mode', [], 'the operation names are not published with the template'],
  ['cis.at.cfw_obs_mode', 'Cloud Firewall observation mode', [], 'the operation names are not published with the template'],
  ['cis.at.cfw_patch_off', 'Cloud Firewall virtual patches off', [], 'the operation names are not published with the template'],
  ['cis.at.cfw_ti_off', 'Cloud Firewall threat intelligence off', [], 'the operation names are not published with the template'],
  ['cis.at.cloudfirewall_conf_change', 'Cloud Firewall configuration change', ['actiontrail.cloud-firewall-change']],
  ['cis.at.ecs_auto_snapshot_policy', 'ECS automatic snapshot policy off', ['actiontrail.snapshot-policy-removed']],
  ['cis.at.ecs_disk_encry_detc', 'ECS disk created unencrypted', [], 'not bundled yet (CreateDisk/RunInstances with Encrypted false)'],
  ['cis.at.ecs_disk_reinit', 'ECS disk re-initialized', [], 'not bundled yet (ReInitDisk)'],
  ['cis.at.ecs_disk_release', 'ECS disk released', ['actiontrail.ecs-instance-or-disk-release']],
  ['cis.at.ecs_force_reboot', 'ECS instance force-rebooted', [], 'not bundled yet'],
  ['cis.at.ecs_reboot_alot', 'ECS instances rebooted in bulk', [], 'not bundled yet'],
  ['cis.at.ecs_release_protec_off', 'ECS release protection off', ['actiontrail.ecs-release-protection-off']],
  ['cis.at.esc_release', 'ECS instance released', ['actiontrail.ecs-instance-or-disk-release']],
  ['cis.at.off_duty_login', 'sign-in outside working hours', ['actiontrail.console-signin-off-hours']],
  ['cis.at.oss_policy_change', 'OSS bucket policy change', ['actiontrail.oss-bucket-permission-change']],
  ['cis.at.password_change', 'password changed', ['actiontrail.password-policy-change'], 'login profile changes; a user changing their own password (ChangePassword) is not alerted'],
  ['cis.at.password_reset', 'password reset', ['actiontrail.password-policy-change']],
  ['cis.at.pwd_expire_policy', 'password expiry policy weakened', ['actiontrail.password-policy-change']],
  ['cis.at.pwd_length_policy', 'password length policy weakened', ['actiontrail.password-policy-change']],
  ['cis.at.pwd_login_attemp_policy', 'login attempt policy weakened', ['actiontrail.password-policy-change']],
  ['cis.at.pwd_reuse_prevention_policy', 'password reuse policy weakened', ['actiontrail.password-policy-change']],
  ['cis.at.ram_auth_change', 'RAM authorization change', ['actiontrail.ram-policy-change', 'actiontrail.ram-privilege-escalation']],
  ['cis.at.ram_mfa_login', 'RAM sign-in without MFA', ['actiontrail.console-signin-without-mfa']],
  ['cis.at.ram_policy_change', 'RAM policy change', ['actiontrail.ram-policy-change']],
  ['cis.at.rds_access_whitelist', 'RDS access whitelist change', ['actiontrail.rds-config-change']],
  ['cis.at.rds_conf_change', 'RDS configuration change', ['actiontrail.rds-config-change']],
  ['cis.at.rds_sql_audit', 'RDS SQL audit off', [], 'not bundled yet'],
  ['cis.at.rds_ssl_config', 'RDS SSL configuration change', ['actiontrail.rds-config-change']],
  ['cis.at.root_ak_usage', 'root AccessKey use', ['actiontrail.root-accesskey-use']],
  ['cis.at.root_login', 'root console sign-in', ['actiontrail.root-console-signin']],
  ['cis.at.sas_webshell_detection', 'Security Center webshell detection off', [], 'Security Center operations are not bundled yet'],
  ['cis.at.sas_webshell_unbind', 'Security Center webshell protection unbound', [], 'Security Center operations are not bundled yet'],
  ['cis.at.securitygroup_change', 'security group change', ['actiontrail.security-group-change']],
  ['cis.at.trail_off', 'trail stopped or deleted', ['actiontrail.trail-changed']],
  ['cis.at.unauth_apicall', 'unauthorized API calls', ['actiontrail.unauthorized-api-calls']],
  ['cis.at.unauth_login', 'failed console sign-ins', ['actiontrail.console-signin-failures']],
  ['cis.at.vpc_conf_change', 'VPC configuration change', ['actiontrail.vpc-route-change']],
  ['cis.at.vpc_flowlog_off', 'VPC flow log off', ['actiontrail.vpc-flow-log-disabled']],
  ['cis.at.vpc_route_change', 'VPC route change', ['actiontrail.vpc-route-change']],
  ['dataflow.at.slb_http', 'SLB listener on plain HTTP', [], 'a posture check more than an event: not bundled yet'],
  ['db.at.rds_instance_del', 'RDS instance deleted', ['actiontrail.rds-config-change']],
  ['ip_insight', 'sign-ins and calls from suspicious addresses', [], 'needs threat-intelligence address lists: not bundled'],
];

function loadRules(dir) {
  const rules = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json') || name.endsWith('.schema.json')) continue;
    rules.push(JSON.parse(readFileSync(join(dir, name), 'utf8')));
  }
  return rules;
}

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function render(rules) {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const lines = [
    '# Rule catalogue',
    '',
    '<!-- Generated by `node scripts/catalogue.mjs` from rules/*.json: do not edit by hand. -->',
    '',
    `${rules.length} bundled rules.`,
    '',
    '## Monitors of the product design (DESIGN §7)',
    '',
    '| area | monitor | rules |',
    '|---|---|---|',
  ];
  let missing = 0;
  for (const [area, monitor, ids] of CATALOGUE) {
    const present = ids.filter((id) => byId.has(id));
    if (present.length === 0) missing++;
    lines.push(`| ${cell(area)} | ${cell(monitor)} | ${present.length ? present.map((id) => `\`${id}\``).join(', ') : 'not covered yet'} |`);
  }
  lines.push('', `${CATALOGUE.length - missing} of ${CATALOGUE.length} monitors covered.`);
  const ruleCell = (ids) => ids.filter((id) => byId.has(id)).map((id) => `\`${id}\``).join(', ');
  lines.push('', '## CIS Alibaba Cloud Foundations Benchmark: log monitoring (2.10 to 2.22)', '', '| CIS | alert on | rules |', '|---|---|---|');
  for (const [id, what, ids] of CIS) lines.push(`| ${id} | ${cell(what)} | ${ruleCell(ids) || 'not covered'} |`);
  lines.push('', '## Landing-zone ActionTrail alert templates', '', "Alibaba's landing zone ships these as SLS alert templates; secmon's rules by template:", '', '| template | alerts on | rules | notes |', '|---|---|---|---|');
  let lzCovered = 0;
  for (const [id, what, ids, why] of LANDING_ZONE) {
    const rules = ruleCell(ids);
    if (rules) lzCovered++;
    lines.push(`| \`${id}\` | ${cell(what)} | ${rules || 'not covered'} | ${cell(why ?? '')} |`);
  }
  lines.push('', `${lzCovered} of ${LANDING_ZONE.length} templates covered; the others say why not.`, '', '## Rules', '');
  lines.push('| rule | severity | source | kind | tags | implements | reference |', '|---|---|---|---|---|---|---|');
  for (const r of rules) {
    const implementsLines = CATALOGUE.filter(([, , ids]) => ids.includes(r.id)).map(([area, monitor]) => `${area}: ${monitor}`);
    const source = Array.isArray(r.source) ? r.source.join(', ') : r.source;
    lines.push(
      `| \`${r.id}\`<br>${cell(r.title)} | ${r.severity} | ${cell(source)} | ${r.kind} | ${cell((r.tags ?? []).join(', '))} | ${cell(implementsLines.join('; ') || '-')} | ${(r.references ?? []).slice(0, 1).map((u) => `[link](${u})`).join('') || '-'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = render(loadRules(join(root, 'rules')));
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(out, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== text) {
      console.error('docs/CATALOGUE.md is stale: run `node scripts/catalogue.mjs`');
      process.exit(1);
    }
  } else {
    writeFileSync(out, text);
    console.error(`wrote ${out}`);
  }
}
