import type { Locale } from '../../config/config';
import type { Severity } from '../../rules/severity';

/** The words channels put around an alert, per locale. Field names (`eventName`, `user.name`) stay as rules write them. */
export interface Words {
  /** What separates a label from its value: `: `, or the full-width `：` in Chinese. */
  colon: string;
  severity: Record<Severity, string>;
  rule: string;
  key: string;
  count: string;
  heldBefore: (n: number) => string;
  time: string;
  account: string;
  region: string;
  who: string;
  sourceIp: string;
  userAgent: string;
  action: string;
  host: string;
  user: string;
  targetUser: string;
  process: string;
  command: string;
  resources: string;
  /** An audit summary's period and its distinct values. */
  period: string;
  values: string;
  evidence: string;
  roles: { first: string; 'last-step': string; decisive: string };
  whatToDo: string;
  references: string;
  openInConsole: string;
  openEvidence: string;
  /** Labels of links by resource type or evidence type. */
  linkTypes: Record<string, string>;
  reference: string;
  alertId: string;
  /** The heading of an alert's own facts (rule, key, count, id). */
  alert: string;
  incident: string;
  digestTitle: (count: number, part: string) => string;
  digestHeading: (count: number, part: string) => string;
  digestSubject: (count: number, part: string, severity: string) => string;
}

const EN: Words = {
  colon: ': ',
  severity: { critical: 'CRITICAL', high: 'HIGH', medium: 'MEDIUM', low: 'LOW', info: 'INFO' },
  rule: 'Rule',
  key: 'Key',
  count: 'Count',
  heldBefore: (n) => `${n} held back before`,
  time: 'Time',
  account: 'Account',
  region: 'Region',
  who: 'Who',
  sourceIp: 'Source IP',
  userAgent: 'User agent',
  action: 'Action',
  host: 'Host',
  user: 'User',
  targetUser: 'As user',
  process: 'Process',
  command: 'Command',
  resources: 'Resources',
  period: 'Period',
  values: 'Distinct values',
  evidence: 'Evidence',
  roles: { first: 'First event', 'last-step': 'Last earlier step', decisive: 'Decisive event' },
  whatToDo: 'What to do',
  references: 'References',
  openInConsole: 'Open in console',
  openEvidence: 'Open the evidence',
  linkTypes: {
    'ACS::ECS::SecurityGroup': 'Security group',
    'ACS::ECS::Instance': 'ECS instance',
    'ACS::ECS::AutoSnapshotPolicy': 'Snapshot policy',
    'ACS::RAM::User': 'RAM user',
    'ACS::KMS::Key': 'KMS key',
    'ACS::OSS::Bucket': 'OSS bucket',
    'ACS::RDS::DBInstance': 'RDS instance',
    'ACS::ActionTrail::Trail': 'Trail',
    'ACS::VPC::VPC': 'VPC',
    'sls-query': 'Logs in SLS',
    'actiontrail-events': 'ActionTrail events',
  },
  reference: 'Reference',
  alertId: 'Alert id',
  alert: 'Alert',
  incident: 'Incident',
  digestTitle: (count, part) => `secmon digest${part}: ${count}`,
  digestHeading: (count, part) => `secmon digest${part}: ${count} alert(s) held back by the rate limit, most severe first`,
  digestSubject: (count, part, severity) => `digest${part}: ${count} alert(s), most severe ${severity}`,
};

const ZH_CN: Words = {
  colon: '：',
  severity: { critical: '严重', high: '高危', medium: '中危', low: '低危', info: '提示' },
  rule: '规则',
  key: '分组键',
  count: '次数',
  heldBefore: (n) => `此前已抑制 ${n} 条`,
  time: '时间',
  account: '账号',
  region: '地域',
  who: '操作者',
  sourceIp: '来源 IP',
  userAgent: 'User-Agent',
  action: '操作',
  host: '主机',
  user: '用户',
  targetUser: '切换为',
  process: '进程',
  command: '命令',
  resources: '资源',
  period: '时段',
  values: '不同取值',
  evidence: '证据',
  roles: { first: '首个事件', 'last-step': '最后一个前序步骤', decisive: '决定性事件' },
  whatToDo: '处置建议',
  references: '参考',
  openInConsole: '在控制台打开',
  openEvidence: '查看证据',
  linkTypes: {
    'ACS::ECS::SecurityGroup': '安全组',
    'ACS::ECS::Instance': 'ECS 实例',
    'ACS::ECS::AutoSnapshotPolicy': '自动快照策略',
    'ACS::RAM::User': 'RAM 用户',
    'ACS::KMS::Key': 'KMS 密钥',
    'ACS::OSS::Bucket': 'OSS Bucket',
    'ACS::RDS::DBInstance': 'RDS 实例',
    'ACS::ActionTrail::Trail': '跟踪',
    'ACS::VPC::VPC': '专有网络 VPC',
    'sls-query': 'SLS 日志',
    'actiontrail-events': '操作审计事件',
  },
  reference: '参考',
  alertId: '告警 ID',
  alert: '告警',
  incident: '事件单',
  digestTitle: (count, part) => `secmon 汇总${part}：${count} 条`,
  digestHeading: (count, part) => `secmon 汇总${part}：${count} 条告警因频率限制被暂缓，按严重程度排序`,
  digestSubject: (count, part, severity) => `汇总${part}：${count} 条告警，最高 ${severity}`,
};

const WORDS: Record<Locale, Words> = { en: EN, 'zh-CN': ZH_CN };

export function wordsFor(locale: Locale): Words {
  return WORDS[locale] ?? EN;
}
