/**
 * The cloud APIs the posture checks read, as plain data. `shared/posture/clients.ts`
 * answers them with Alibaba Cloud's SDKs; tests answer them with local servers that
 * speak the same APIs. Each method is one API call (a page of it).
 */

export interface RamUser {
  userName: string;
  userId: string;
  displayName?: string;
}

export interface PasswordPolicy {
  minimumPasswordLength?: number;
  requireUppercaseCharacters?: boolean;
  requireLowercaseCharacters?: boolean;
  requireNumbers?: boolean;
  requireSymbols?: boolean;
  /** Days; 0: passwords never expire. */
  maxPasswordAge?: number;
  /** Previous passwords that cannot be used again; 0: none. */
  passwordReusePrevention?: number;
  /** Wrong passwords within an hour before the logon is blocked; 0: never blocked. */
  maxLoginAttempts?: number;
  hardExpiry?: boolean;
}

export interface AccessKeyInfo {
  accessKeyId: string;
  status: string;
  createDate: string;
}

export interface AttachedPolicy {
  policyName: string;
  /** `System` or `Custom`. */
  policyType: string;
}

export interface RamApi {
  listUsers(marker?: string): Promise<{ users: RamUser[]; marker?: string }>;
  /** Whether the user has a login profile (console access). */
  hasConsoleAccess(userName: string): Promise<{ console: boolean; mfaBindRequired: boolean }>;
  usersWithMfaDevice(): Promise<Set<string>>;
  passwordPolicy(): Promise<PasswordPolicy>;
  listAccessKeys(userName: string): Promise<AccessKeyInfo[]>;
  /** When the key was last used (ISO), undefined when never. */
  accessKeyLastUsed(userName: string, accessKeyId: string): Promise<string | undefined>;
  listPoliciesForUser(userName: string): Promise<AttachedPolicy[]>;
  /** The default version's policy document (JSON text). */
  policyDocument(policyName: string, policyType: string): Promise<string | undefined>;
}

export interface ImsApi {
  /** The account's security practice report: the root account's MFA and AccessKeys. */
  securityReport(): Promise<{ rootMfa: boolean; rootAccessKeys: number }>;
}

export interface SecurityGroup {
  securityGroupId: string;
  securityGroupName?: string;
  vpcId?: string;
}

/** An ingress rule of a security group, in the field names of ECS's API (and of ActionTrail's AuthorizeSecurityGroup). */
export interface SecurityGroupPermission {
  IpProtocol?: string;
  PortRange?: string;
  SourceCidrIp?: string;
  Ipv6SourceCidrIp?: string;
  SourceGroupId?: string;
  Policy?: string;
  Priority?: string;
  Description?: string;
}

export interface EcsApi {
  /** The regions ECS offers the account. */
  regions(): Promise<string[]>;
  securityGroups(region: string, nextToken?: string): Promise<{ groups: SecurityGroup[]; nextToken?: string }>;
  ingressRules(region: string, securityGroupId: string): Promise<SecurityGroupPermission[]>;
}

export interface DailyBillItem {
  productCode: string;
  productName: string;
  /** The amount before tax, in `currency`. */
  amount: number;
  currency: string;
}

export interface BssApi {
  /** One page of the account's bill of one day (`YYYY-MM-DD`), summed per product. */
  dailyBill(date: string, page: number): Promise<{ items: DailyBillItem[]; total: number }>;
}

export interface KmsKey {
  keyId: string;
  creator?: string;
  keySpec?: string;
  keyUsage?: string;
  keyState?: string;
  origin?: string;
  protectionLevel?: string;
  /** `Enabled`, `Disabled` or `Suspended`. */
  automaticRotation?: string;
  rotationInterval?: string;
  lastRotationDate?: string;
  creationDate?: string;
}

export interface KmsApi {
  /** One page (1-based) of the region's keys. */
  listKeys(region: string, page: number): Promise<{ keyIds: string[]; total: number }>;
  describeKey(region: string, keyId: string): Promise<KmsKey>;
}

export interface Trail {
  name: string;
  homeRegion?: string;
  /** `All`, or the regions it records. */
  trailRegion?: string;
  /** `All`, `Write` or `Read`. */
  eventRW?: string;
  status?: string;
  ossBucketName?: string;
  slsProjectArn?: string;
  isOrganizationTrail?: boolean;
}

export interface ActionTrailApi {
  /** The trails the account has (its own and its organization's), from `region`. */
  describeTrails(region: string): Promise<Trail[]>;
  /** Whether the trail is delivering now. */
  isLogging(region: string, trail: Trail): Promise<boolean>;
}

export interface LoadBalancerApi {
  /** One page (1-based) of the region's Classic Load Balancer (CLB) instances. */
  clbInstances(region: string, page: number): Promise<{ instances: Array<{ id: string; name?: string }>; total: number }>;
  /** A CLB instance's listeners: port and protocol. */
  clbListeners(region: string, loadBalancerId: string): Promise<Array<{ port: number; protocol: string }>>;
  /** A CLB HTTPS listener's TLS security policy (empty: the default, tls_cipher_policy_1_0). */
  clbTlsPolicy(region: string, loadBalancerId: string, port: number): Promise<string | undefined>;
  /** A page of the region's Application Load Balancer (ALB) HTTPS listeners. */
  albHttpsListeners(region: string, nextToken?: string): Promise<{ listeners: Array<{ listenerId: string; loadBalancerId: string; port: number; securityPolicyId?: string }>; nextToken?: string }>;
  /** The TLS versions of ALB custom security policies. */
  albPolicyVersions(region: string, policyIds: string[]): Promise<Map<string, string[]>>;
}

export interface OssBucket {
  name: string;
  region: string;
}

export interface OssApi {
  /** A page of the account's buckets (every region), from `marker`. */
  listBuckets(marker?: string): Promise<{ buckets: OssBucket[]; nextMarker?: string }>;
  /** The bucket's ACL: `private`, `public-read` or `public-read-write`. */
  bucketAcl(bucket: OssBucket): Promise<string>;
  /** The bucket's policy (JSON text), undefined when it has none. */
  bucketPolicy(bucket: OssBucket): Promise<string | undefined>;
}

export interface PostureApis {
  ram: RamApi;
  ims: ImsApi;
  ecs: EcsApi;
  bss: BssApi;
  kms: KmsApi;
  actiontrail: ActionTrailApi;
  lb: LoadBalancerApi;
  oss: OssApi;
}
