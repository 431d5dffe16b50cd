import { Evidence } from '../engine/evidence';

/** A cloud resource an event names: its ActionTrail resource type (`ACS::ECS::SecurityGroup`) and id. */
export interface AlertResource {
  type: string;
  id: string;
}

/**
 * The who, where and what of an alert, read from its decisive event, so that a
 * responder can act without a search: for ActionTrail the account, region, principal,
 * caller address, user agent and the resources of the call; for hosts the host, the
 * user, the source address and the process.
 */
export interface AlertContext {
  account?: string;
  region?: string;
  /** Who acted: the ActionTrail principal, or the user of a host event. */
  principal?: { type?: string; name?: string; id?: string; accessKeyId?: string };
  sourceIp?: string;
  userAgent?: string;
  /** The API call or console operation (ActionTrail). */
  action?: string;
  service?: string;
  host?: string;
  /** Whom a host event made the user (sudo's target, su's), when not the user. */
  targetUser?: string;
  process?: string;
  command?: string;
  resources: AlertResource[];
}

/** Resources at most, per alert: a call on a hundred instances names the first ones. */
const MAX_RESOURCES = 10;

/**
 * Request parameters that name a resource, by service (ActionTrail `serviceName`), with
 * the resource type they name; read when the record has no `referencedResources`.
 */
const PARAMETER_RESOURCES: Record<string, Array<[param: string, type: string]>> = {
  Ecs: [
    ['SecurityGroupId', 'ACS::ECS::SecurityGroup'],
    ['InstanceId', 'ACS::ECS::Instance'],
    ['InstanceIds', 'ACS::ECS::Instance'],
    ['DiskId', 'ACS::ECS::Disk'],
    ['diskIds', 'ACS::ECS::Disk'],
    ['AutoSnapshotPolicyId', 'ACS::ECS::AutoSnapshotPolicy'],
    ['autoSnapshotPolicyId', 'ACS::ECS::AutoSnapshotPolicy'],
    ['VpcId', 'ACS::VPC::VPC'],
  ],
  Vpc: [
    ['VpcId', 'ACS::VPC::VPC'],
    ['RouteTableId', 'ACS::VPC::RouteTable'],
    ['FlowLogId', 'ACS::VPC::FlowLog'],
  ],
  Ram: [
    ['UserName', 'ACS::RAM::User'],
    ['GroupName', 'ACS::RAM::Group'],
    ['RoleName', 'ACS::RAM::Role'],
    ['PolicyName', 'ACS::RAM::ManagedPolicy'],
  ],
  Ims: [['UserName', 'ACS::RAM::User']],
  Kms: [['KeyId', 'ACS::KMS::Key']],
  Oss: [['BucketName', 'ACS::OSS::Bucket']],
  Rds: [['DBInstanceId', 'ACS::RDS::DBInstance']],
  Actiontrail: [['Name', 'ACS::ActionTrail::Trail']],
};

/** The context of an alert whose decisive event is `decisive` (see decisiveEvidence). */
export function contextOf(decisive: Evidence | undefined): AlertContext {
  if (decisive === undefined) return { resources: [] };
  return decisive.source === 'actiontrail' ? actionTrailContext(decisive.fields) : hostContext(decisive.fields);
}

function actionTrailContext(f: Record<string, unknown>): AlertContext {
  const identity = asObject(f.userIdentity);
  const c: AlertContext = {
    account: text(identity?.accountId) ?? text(f.recipientAccountId),
    region: text(f.acsRegion),
    principal: compact({ type: text(identity?.type), name: text(identity?.userName), id: text(identity?.principalId), accessKeyId: text(identity?.accessKeyId) }),
    sourceIp: text(f.sourceIpAddress),
    userAgent: text(f.userAgent),
    action: text(f.eventName),
    service: text(f.serviceName),
    resources: actionTrailResources(f),
  };
  return compact(c);
}

/**
 * The resources of an ActionTrail record: its `referencedResources` (type → ids, as
 * published), else its `resourceType`/`resourceName`, else the request (and response)
 * parameters that name one; a RAM user's sign-in names the user.
 */
function actionTrailResources(f: Record<string, unknown>): AlertResource[] {
  const out: AlertResource[] = [];
  const add = (type: string, id: unknown) => {
    for (const one of Array.isArray(id) ? id : [id]) {
      const s = text(one);
      if (s === undefined || out.length >= MAX_RESOURCES || out.some((r) => r.type === type && r.id === s)) continue;
      out.push({ type, id: s });
    }
  };
  const referenced = asObject(f.referencedResources);
  if (referenced !== undefined) for (const [type, ids] of Object.entries(referenced)) if (type.startsWith('ACS::')) add(type, ids);
  const resourceType = text(f.resourceType);
  const resourceName = text(f.resourceName);
  if (out.length === 0 && resourceType?.startsWith('ACS::') && resourceName !== undefined) add(resourceType, resourceName.split(/[;,]/).map((s) => s.trim()));
  if (out.length === 0) {
    const params = asObject(f.requestParameters) ?? {};
    const response = asObject(f.responseElements) ?? {};
    for (const [param, type] of PARAMETER_RESOURCES[text(f.serviceName) ?? ''] ?? []) add(type, params[param] ?? response[param]);
  }
  const identity = asObject(f.userIdentity);
  if (out.length === 0 && text(f.eventType) === 'ConsoleSignin' && text(identity?.type) === 'ram-user') add('ACS::RAM::User', identity?.userName);
  return out;
}

function hostContext(f: Record<string, unknown>): AlertContext {
  const host = asObject(f.host);
  const user = asObject(f.user);
  const effective = asObject(user?.effective);
  const source = asObject(f.source);
  const processInfo = asObject(f.process);
  const osquery = asObject(f.osquery);
  const columns = asObject(osquery?.columns);
  const name = text(user?.name) ?? text(columns?.username);
  const target = text(effective?.name) ?? text(asObject(user?.target)?.name);
  return compact({
    host: text(host?.hostname),
    principal: name === undefined ? undefined : { name },
    targetUser: target !== undefined && target !== name ? target : undefined,
    sourceIp: text(source?.ip) ?? text(source?.address),
    process: text(processInfo?.name) ?? text(columns?.name),
    command: text(processInfo?.command_line) ?? text(columns?.cmdline),
    resources: [],
  });
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A scalar as text; nothing for absent, empty or structured values. */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** The object without its undefined members (and without an empty principal): the alert's JSON stays small. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) {
    const v = o[k];
    if (v === undefined || (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).every((x) => (v as Record<string, unknown>)[x] === undefined))) delete o[k];
  }
  return o;
}
