import { SecEvent } from '../../events/event';
import { RamUser } from '../apis';
import { allPages } from '../calls';
import { CheckContext, PostureCheck, eachPart, postureEvent } from '../check';

const DAY_MS = 86_400_000;

/** Every RAM user, paged (1,000 a page), read once per scan for all the RAM checks. */
function ramUsers(ctx: CheckContext): Promise<RamUser[]> {
  return ctx.memo('ram-users', () => allPages<RamUser, string>(undefined, async (marker) => {
    const page = await ctx.caller.call('Ram.ListUsers', 'ram:ListUsers', () => ctx.apis.ram.listUsers(marker));
    return { items: page.users, next: page.marker };
  }));
}

const userFields = (u: RamUser) => ({ user: { name: u.userName, id: u.userId, ...(u.displayName ? { full_name: u.displayName } : {}) } });

/** RAM users that can sign in to the console (a login profile) and have no MFA device (CIS 1.4). */
export const consoleWithoutMfa: PostureCheck = {
  id: 'ram-user-console-without-mfa',
  async run(ctx) {
    const users = await ramUsers(ctx);
    const withMfa = await ctx.caller.call('Ram.ListVirtualMFADevices', 'ram:ListVirtualMFADevices', () => ctx.apis.ram.usersWithMfaDevice());
    return eachPart(ctx, this.id, users.filter((u) => !withMfa.has(u.userName)), (u) => `user ${u.userName}`, async (u): Promise<SecEvent[]> => {
      const access = await ctx.caller.call('Ram.GetLoginProfile', 'ram:GetLoginProfile', () => ctx.apis.ram.hasConsoleAccess(u.userName));
      if (!access.console) return [];
      return [postureEvent(this.id, ctx, { type: 'ram-user', id: u.userName }, { console_access: true, mfa_device: false, mfa_bind_required: access.mfaBindRequired }, userFields(u))];
    });
  },
};

/** The root account: MFA bound, AccessKeys it holds (CIS 1.2, 1.3), from the account's security practice report. */
export const rootAccount: PostureCheck = {
  id: 'root-account',
  async run(ctx) {
    const r = await ctx.caller.call('Ims.GetAccountSecurityPracticeReport', 'ims:GetAccountSecurityPracticeReport', () => ctx.apis.ims.securityReport());
    return [postureEvent(this.id, ctx, { type: 'account', id: ctx.accountId }, { root_mfa: r.rootMfa, root_access_keys: r.rootAccessKeys })];
  },
};

/** The RAM password policy, as it is (CIS 1.7 to 1.14; the rule holds the thresholds). */
export const passwordPolicy: PostureCheck = {
  id: 'ram-password-policy',
  async run(ctx) {
    const p = await ctx.caller.call('Ram.GetPasswordPolicy', 'ram:GetPasswordPolicy', () => ctx.apis.ram.passwordPolicy());
    return [
      postureEvent(this.id, ctx, { type: 'ram-password-policy', id: ctx.accountId }, {
        password_policy: {
          minimum_length: p.minimumPasswordLength ?? 0,
          require_uppercase: p.requireUppercaseCharacters === true,
          require_lowercase: p.requireLowercaseCharacters === true,
          require_numbers: p.requireNumbers === true,
          require_symbols: p.requireSymbols === true,
          max_age_days: p.maxPasswordAge ?? 0,
          reuse_prevention: p.passwordReusePrevention ?? 0,
          max_login_attempts: p.maxLoginAttempts ?? 0,
          hard_expiry: p.hardExpiry === true,
        },
      }),
    ];
  },
};

/** Keys younger than this are neither old nor unused for long; older ones are looked up (one call each). */
export const ACCESS_KEY_AGE_DAYS = 90;

/**
 * Active AccessKeys of RAM users at least 90 days old (CIS 1.6), with when each was
 * last used: an event per key, for the rules on rotation and on keys nobody uses.
 */
export const accessKeys: PostureCheck = {
  id: 'ram-access-key',
  async run(ctx) {
    const users = await ramUsers(ctx);
    return eachPart(ctx, this.id, users, (u) => `user ${u.userName}`, async (u) => {
      const keys = await ctx.caller.call('Ram.ListAccessKeys', 'ram:ListAccessKeys', () => ctx.apis.ram.listAccessKeys(u.userName));
      const old = keys.filter((k) => k.status === 'Active' && ctx.now - Date.parse(k.createDate) >= ACCESS_KEY_AGE_DAYS * DAY_MS);
      return eachPart(ctx, this.id, old, (k) => `user ${u.userName} key ${k.accessKeyId}`, async (k) => {
        const lastUsed = await ctx.caller.call('Ram.GetAccessKeyLastUsed', 'ram:GetAccessKeyLastUsed', () => ctx.apis.ram.accessKeyLastUsed(u.userName, k.accessKeyId));
        return [
          postureEvent(this.id, ctx, { type: 'ram-access-key', id: k.accessKeyId, name: u.userName }, {
            access_key: {
              id: k.accessKeyId,
              created: k.createDate,
              age_days: Math.floor((ctx.now - Date.parse(k.createDate)) / DAY_MS),
              last_used: lastUsed ?? null,
              // Never used counts from its creation.
              unused_days: Math.floor((ctx.now - Date.parse(lastUsed ?? k.createDate)) / DAY_MS),
            },
          }, userFields(u)),
        ];
      });
    });
  },
};

/** System policies that grant everything. */
const FULL_ACCESS_SYSTEM_POLICIES = new Set(['AdministratorAccess']);

/**
 * Policies attached to RAM users directly (CIS 1.16 asks for groups and roles), and
 * whether each allows every action on every resource: an event per user with any.
 */
export const userPolicies: PostureCheck = {
  id: 'ram-user-policies',
  async run(ctx) {
    const users = await ramUsers(ctx);
    // A custom policy attached to many users is read once.
    const fullAccess = (name: string, type: string) =>
      ctx.memo(`policy:${type}:${name}`, async () => {
        if (type === 'System') return FULL_ACCESS_SYSTEM_POLICIES.has(name);
        const doc = await ctx.caller.call('Ram.GetPolicy', 'ram:GetPolicy', () => ctx.apis.ram.policyDocument(name, type));
        return doc !== undefined && allowsEverything(doc);
      });
    return eachPart(ctx, this.id, users, (u) => `user ${u.userName}`, async (u) => {
      const policies = await ctx.caller.call('Ram.ListPoliciesForUser', 'ram:ListPoliciesForUser', () => ctx.apis.ram.listPoliciesForUser(u.userName));
      if (policies.length === 0) return [];
      const judged = await Promise.all(policies.map(async (p) => ({ name: p.policyName, type: p.policyType, full_access: await fullAccess(p.policyName, p.policyType) })));
      return [postureEvent(this.id, ctx, { type: 'ram-user', id: u.userName }, { policies: judged }, userFields(u))];
    });
  },
};

/** Whether a RAM policy document has a statement allowing `*` on `*`. */
export function allowsEverything(document: string): boolean {
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(document) as { Statement?: unknown };
  } catch {
    return false;
  }
  const list = (x: unknown) => (Array.isArray(x) ? x : x === undefined ? [] : [x]);
  return list(doc.Statement).some((s) => {
    const st = s as { Effect?: unknown; Action?: unknown; Resource?: unknown };
    return st.Effect === 'Allow' && list(st.Action).includes('*') && list(st.Resource).includes('*');
  });
}

export const RAM_CHECKS: readonly PostureCheck[] = [consoleWithoutMfa, rootAccount, passwordPolicy, accessKeys, userPolicies];
