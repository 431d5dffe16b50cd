/**
 * su lines (program `su`) turned into ECS fields: `user.name` is who ran su,
 * `user.effective.name` whom they became (as for sudo).
 *
 * util-linux su (Debian, Ubuntu, RHEL, Alibaba Cloud Linux), in login-utils/su-common.c:
 *   `FAILED SU (to root) alice on pts/0`   a failed attempt (one line per attempt)
 *   `(to root) alice on pts/0`             a switch
 *   `pam_unix(su:auth): authentication failure; logname=alice uid=1000 … user=root`
 *   `pam_unix(su-l:session): session opened for user root(uid=0) by alice(uid=1000)`
 * shadow-utils su (older distributions):
 *   `FAILED su for root by alice`, `Successful su for root by alice`,
 *   `- pts/0 alice:root` (failed), `+ pts/0 alice:root` (switched).
 * One failed attempt logs the PAM line and the FAILED line: rules that count attempts
 * count `event.action: auth-failed`, written once per attempt.
 */
export interface SuFields {
  action: 'auth-failed' | 'switched' | 'pam-auth-failure' | 'session-opened' | 'session-closed' | 'other';
  outcome?: 'success' | 'failure';
  user?: string;
  target?: string;
  tty?: string;
  reason?: string;
}

const UTIL_LINUX = /^(FAILED SU |FAILED RUNUSER )?\(to (\S+)\) (\S+) on (\S+?)(?:: (.*))?$/;
const SHADOW = /^(FAILED|Successful) su for (\S+) by (\S+)$/;
const SHADOW_SHORT = /^([+-]) (\S+) (\S+?):(\S+)$/;
/** Older su implementations: `BAD SU alice to root on /dev/pts/0`, or only the target: `BAD SU root on tty1`. */
const BAD_SU = /^BAD SU (?:(\S+) to )?(\S+) on (\S+)$/;
const PAM_AUTH = /^pam_unix\(su(?:-l)?:auth\): authentication failure; (.*)$/;
const PAM_SESSION = /^pam_unix\(su(?:-l)?:session\): session (opened|closed) for user ([^(\s]+)(?:\(uid=\d+\))?(?: by ([^(\s]*)(?:\(uid=\d+\))?)?$/;

export function parseSuMessage(message: string): SuFields {
  let m = UTIL_LINUX.exec(message);
  if (m) {
    const failed = m[1] !== undefined;
    return { action: failed ? 'auth-failed' : 'switched', outcome: failed ? 'failure' : 'success', target: m[2], user: m[3], tty: m[4], reason: m[5] };
  }
  if ((m = SHADOW.exec(message))) {
    const failed = m[1] === 'FAILED';
    return { action: failed ? 'auth-failed' : 'switched', outcome: failed ? 'failure' : 'success', target: m[2], user: m[3] };
  }
  if ((m = SHADOW_SHORT.exec(message))) {
    const failed = m[1] === '-';
    return { action: failed ? 'auth-failed' : 'switched', outcome: failed ? 'failure' : 'success', tty: m[2], user: m[3], target: m[4] };
  }
  if ((m = BAD_SU.exec(message))) {
    return { action: 'auth-failed', outcome: 'failure', user: m[1], target: m[2], tty: m[3] };
  }
  if ((m = PAM_AUTH.exec(message))) {
    const kv = m[1];
    return { action: 'pam-auth-failure', outcome: 'failure', user: /(?:^|\s)ruser=(\S+)/.exec(kv)?.[1] ?? /(?:^|\s)logname=(\S+)/.exec(kv)?.[1], target: /(?:^|\s)user=(.*)$/.exec(kv)?.[1] || undefined };
  }
  if ((m = PAM_SESSION.exec(message))) {
    return { action: m[1] === 'opened' ? 'session-opened' : 'session-closed', target: m[2], user: m[3] || undefined };
  }
  return { action: 'other' };
}

/** Shared, never modified: one array for every su event. */
const AUTHENTICATION: readonly string[] = Object.freeze(['authentication']);

export function applySuFields(fields: Record<string, unknown>, p: SuFields): void {
  const event = fields.event as Record<string, unknown>;
  event.action = p.action;
  event.category = AUTHENTICATION;
  if (p.outcome) event.outcome = p.outcome;
  if (p.user !== undefined || p.target !== undefined) {
    const user: Record<string, unknown> = {};
    if (p.user !== undefined) user.name = p.user;
    if (p.target !== undefined) user.effective = { name: p.target };
    fields.user = user;
  }
  const su: Record<string, unknown> = {};
  if (p.tty !== undefined) su.tty = p.tty;
  if (p.reason !== undefined) su.reason = p.reason;
  if (p.tty !== undefined || p.reason !== undefined) fields.su = su;
}
