/**
 * Local account changes logged by shadow-utils (useradd, userdel, usermod, groupadd,
 * groupdel, groupmod, gpasswd) and passwd, as on Debian, Ubuntu, RHEL and Alibaba
 * Cloud Linux:
 *
 *   useradd[1234]: new user: name=eve, UID=1002, GID=1002, home=/home/eve, shell=/bin/bash, from=/dev/pts/0
 *   usermod[1240]: add 'eve' to group 'sudo'
 *   gpasswd[1250]: user eve added by root to group sudo
 *   userdel[1260]: delete user 'eve'
 *   groupadd[1270]: new group: name=devs, GID=1003
 *   passwd[1280]: pam_unix(passwd:chauthtok): password changed for eve
 *
 * The affected account is `user.target.name` (ECS), the group `group.name`.
 */
export const ACCOUNT_PROGRAMS = new Set(['useradd', 'userdel', 'usermod', 'groupadd', 'groupdel', 'groupmod', 'gpasswd', 'passwd', 'chpasswd', 'adduser', 'deluser']);

interface AccountFacts {
  action: string;
  user?: string;
  group?: string;
}

const PATTERNS: Array<[RegExp, (m: RegExpExecArray) => AccountFacts]> = [
  [/^new user: name=([^,]+),/, (m) => ({ action: 'user-created', user: m[1] })],
  [/^new group: name=([^,]+),/, (m) => ({ action: 'group-created', group: m[1] })],
  [/^group added to \/etc\/(?:g?shadow|group): name=([^,]+)/, (m) => ({ action: 'group-created', group: m[1] })],
  [/^(?:delete user|removed user) '([^']+)'/, (m) => ({ action: 'user-deleted', user: m[1] })],
  [/^(?:removed group|group) '([^']+)'(?: owned by '[^']*'| removed)/, (m) => ({ action: 'group-deleted', group: m[1] })],
  [/^add '([^']+)' to (?:shadow )?group '([^']+)'/, (m) => ({ action: 'group-member-added', user: m[1], group: m[2] })],
  [/^delete '([^']+)' from (?:shadow )?group '([^']+)'/, (m) => ({ action: 'group-member-removed', user: m[1], group: m[2] })],
  [/^user (\S+) added by \S+ to group (\S+)/, (m) => ({ action: 'group-member-added', user: m[1], group: m[2] })],
  [/^user (\S+) removed by \S+ from group (\S+)/, (m) => ({ action: 'group-member-removed', user: m[1], group: m[2] })],
  [/^members of group (\S+) set by \S+ to (.*)$/, (m) => ({ action: 'group-members-set', group: m[1] })],
  [/^change user '([^']+)' /, (m) => ({ action: 'user-modified', user: m[1] })],
  [/^(?:lock|unlock) user '([^']+)'/, (m) => ({ action: 'user-modified', user: m[1] })],
  [/^pam_unix\((?:passwd|chpasswd):chauthtok\): password changed for (\S+)/, (m) => ({ action: 'password-changed', user: m[1] })],
];

export function applyAccountFields(fields: Record<string, unknown>, message: string): void {
  const event = fields.event as Record<string, unknown>;
  event.category = ['iam'];
  for (const [re, build] of PATTERNS) {
    const m = re.exec(message);
    if (!m) continue;
    const facts = build(m);
    event.action = facts.action;
    event.outcome = 'success';
    if (facts.user !== undefined) fields.user = { target: { name: facts.user } };
    if (facts.group !== undefined) fields.group = { name: facts.group };
    return;
  }
  event.action = 'other';
}
