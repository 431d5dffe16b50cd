import { canonicalIp } from '../ip';

/**
 * OpenSSH server messages (program `sshd`, or `sshd-session` / `sshd-auth` since
 * OpenSSH 9.8) turned into ECS fields.
 *
 * User names are attacker-controlled and may contain spaces or text such as
 * `from 1.2.3.4 port 1`: every pattern anchors the address and port at the end of the
 * line and takes the user name greedily, so the address sshd itself appended wins.
 * OpenSSH's auth.c (auth_log) writes `… for USER from ADDR port N ssh2[: INFO]`, where
 * USER is at most 100 characters and INFO is set only by the methods that describe a
 * key (publickey, hostbased: `ED25519 SHA256:…`, with a certificate's ID, the client's
 * text). For those methods the address is the one before the first `ssh2: ` that
 * starts a key description (or else the first `ssh2: `), so text in INFO cannot move
 * it; for the others (password, keyboard-interactive, none) nothing follows `ssh2`,
 * and the last address is the one sshd wrote (text before it is the user name's).
 *
 * Attempts, not lines (`sshd.attempt: true`, what the brute-force rules count). One
 * failed try can log several lines (`Invalid user`, a PAM failure, `Failed password`);
 * of those only `Failed <method>` is written once per try on every distribution, and
 * only for a method that tries a secret (password, keyboard-interactive, GSSAPI).
 * `Failed publickey` / `hostbased` is a key the client offered and the server does
 * not know, logged at INFO only for an invalid user or after MaxAuthTries/2 failures
 * (auth.c auth_log): a client with several keys logs it before `Accepted publickey` on
 * the same connection, so it is no attempt by itself. `Failed none` is the client
 * asking which methods exist. What a scan of a key-only server leaves is its
 * connections closing before authentication (`Connection closed by authenticating
 * user root …`, `… by invalid user …`, `Disconnected from …`, `Connection reset by
 * …`, `Disconnecting …: Too many authentication failures`; packet.c sshpkt_fatal writes
 * one of them per connection): each is one attempt. So a password guessed three times
 * on one connection is four attempts, a connection that offered keys and gave up is
 * one, and a connection that logged in is none beyond its password failures. A
 * connection that ended before naming a user (`Connection closed by ADDR port N
 * [preauth]`, all that OpenSSH before 7.6 writes) is `preauth-disconnect` without a
 * user and no attempt: scanners do that too; `sshd.preauth-disconnect-burst` counts them.
 */
export interface SshdFields {
  action: string;
  outcome?: 'success' | 'failure';
  user?: string;
  address?: string;
  port?: number;
  /** The `sshd.*` fields, none undefined (built by the pattern, used as they are). */
  extra?: Record<string, unknown>;
}

type Matcher = (m: RegExpExecArray) => SshdFields;

/** [the characters a matching message can start with, the pattern, what it means] */
const PATTERNS: Array<[string, RegExp, Matcher]> = [
  [
    'F',
    /^Failed (\S+) for (invalid user )?(.*) from (\S+) port (\d+)(?: (ssh\d?))?(?:: (.*))?$/,
    (m) => {
      const at = KEY_METHODS.has(m[1]) ? beforeExtra(m[0], 12 + m[1].length + (m[2]?.length ?? 0)) : undefined;
      const extra: Record<string, unknown> = { auth_method: m[1], invalid_user: m[2] !== undefined };
      if (!NOT_ATTEMPTS.has(m[1])) extra.attempt = true;
      return {
        action: 'auth-failed',
        outcome: 'failure',
        user: at?.user ?? m[3],
        address: at?.address ?? m[4],
        port: at?.port ?? +m[5],
        extra: withKey(extra, at?.extra ?? m[7]),
      };
    },
  ],
  [
    'A',
    /^Accepted (\S+) for (.*) from (\S+) port (\d+)(?: (ssh\d?))?(?:: (.*))?$/,
    (m) => {
      const at = KEY_METHODS.has(m[1]) ? beforeExtra(m[0], 14 + m[1].length) : undefined;
      return {
        action: 'login',
        outcome: 'success',
        user: at?.user ?? m[2],
        address: at?.address ?? m[3],
        port: at?.port ?? +m[4],
        extra: withKey({ auth_method: m[1] }, at?.extra ?? m[6]),
      };
    },
  ],
  [
    'I',
    /^Invalid user (.*) from (\S+)(?: port (\d+))?$/,
    (m) => ({ action: 'invalid-user', outcome: 'failure', user: m[1], address: m[2], port: num(m[3]), extra: { invalid_user: true } }),
  ],
  [
    'i',
    /^input_userauth_request: invalid user (.*) \[preauth\]$/,
    (m) => ({ action: 'invalid-user', outcome: 'failure', user: m[1], extra: { invalid_user: true } }),
  ],
  [
    'p',
    /^pam_unix\(sshd:auth\): authentication failure; (.*)$/,
    (m) => pamFailure(m[1], 1),
  ],
  [
    'P',
    /^PAM (\d+) more authentication failures?; (.*)$/,
    (m) => pamFailure(m[2], Number(m[1])),
  ],
  [
    'e',
    // auth-pam.c (BSD, macOS): `error: PAM: <pam_strerror> for [illegal user ]USER from HOST`.
    /^error: PAM: (.*?) for (illegal user )?(.*) from (\S+)$/,
    (m) => ({ action: 'pam-auth-failure', outcome: 'failure', user: m[3], address: m[4], extra: { invalid_user: m[2] !== undefined, reason: m[1] } }),
  ],
  [
    'em',
    /^(?:error: )?maximum authentication attempts exceeded for (invalid user )?(.*) from (\S+) port (\d+)(?: ssh\d?)?(?: \[preauth\])?$/,
    (m) => ({
      action: 'max-auth-attempts-exceeded',
      outcome: 'failure',
      user: m[2],
      address: m[3],
      port: +m[4],
      extra: { invalid_user: m[1] !== undefined },
    }),
  ],
  [
    'R',
    /^ROOT LOGIN REFUSED FROM (\S+?)(?: port (\d+))?(?: \[preauth\])?$/,
    (m) => ({ action: 'root-login-refused', outcome: 'failure', user: 'root', address: m[1], port: num(m[2]) }),
  ],
  [
    'U',
    /^User (.*) from (\S+) not allowed because (.*)$/,
    (m) => ({ action: 'user-not-allowed', outcome: 'failure', user: m[1], address: m[2], extra: { reason: m[3] } }),
  ],
  [
    'CD',
    /^(?:Connection closed by|Connection reset by|Disconnected from|Disconnecting) (authenticating|invalid) user (.*) (\S+) port (\d+)(?:: (.*?))?(?: \[preauth\])?$/,
    (m) => ({
      action: 'preauth-disconnect',
      outcome: 'failure',
      user: m[2],
      address: m[3],
      port: +m[4],
      extra: m[5] === undefined ? { invalid_user: m[1] === 'invalid', attempt: true } : { invalid_user: m[1] === 'invalid', attempt: true, reason: m[5] },
    }),
  ],
  [
    'CD',
    // A connection that ended before any user was named (OpenSSH before 7.6 never names one here): not an attempt.
    /^(?:Connection closed by|Connection reset by|Disconnected from) (\S+) port (\d+) \[preauth\]$/,
    (m) => ({ action: 'preauth-disconnect', address: m[1], port: +m[2] }),
  ],
  [
    'DRC',
    /^(?:Disconnected from user (.*) |Received disconnect from |Connection closed by |Connection reset by |Disconnected from )(\S+) port (\d+)(?:[: ].*)?$/,
    (m) => ({ action: 'disconnect', user: m[1], address: m[2], port: +m[3] }),
  ],
  [
    's',
    // session.c (INFO before OpenSSH 7.x made it debug2); sftp-server.c with `-l INFO`.
    /^subsystem request for (\S+) by user (.*?)( failed, subsystem not found)?$/,
    (m) => ({ action: 'subsystem-request', outcome: m[3] === undefined ? undefined : 'failure', user: m[2], extra: { subsystem: m[1] } }),
  ],
  [
    's',
    /^session opened for local user (.*) from \[(\S+)\]$/,
    (m) => ({ action: 'file-transfer-session', outcome: 'success', user: m[1], address: m[2] }),
  ],
  [
    'p',
    /^pam_unix\(sshd:session\): session (opened|closed) for user (.+?)(?:\(uid=\d+\))?(?: by .*)?$/,
    (m) => ({ action: m[1] === 'opened' ? 'session-opened' : 'session-closed', user: m[2] }),
  ],
];

/** Patterns by the first character of the message they can match: most lines try one. */
const BY_FIRST_CHAR = new Map<string, Array<[RegExp, Matcher]>>();
for (const [firsts, re, build] of PATTERNS) {
  for (const c of firsts) BY_FIRST_CHAR.set(c, [...(BY_FIRST_CHAR.get(c) ?? []), [re, build]]);
}

export function parseSshdMessage(message: string): SshdFields {
  const candidates = BY_FIRST_CHAR.get(message.charAt(0));
  if (candidates) {
    for (const [re, build] of candidates) {
      const m = re.exec(message);
      if (m) return build(m);
    }
  }
  return { action: 'other' };
}

/** Failed methods that try no secret (see the module comment). */
const NOT_ATTEMPTS = new Set(['publickey', 'hostbased', 'none']);

/** The methods whose log line may carry INFO after `ssh2: ` (see the module comment). */
const KEY_METHODS = new Set(['publickey', 'hostbased']);
const ADDRESS_THEN_EXTRA = / from (\S+) port (\d+) ssh2: /g;
/** What a key description starts with: `ED25519 SHA256:…`, `RSA-CERT SHA256:…`, `ECDSA MD5:…`. */
const KEY_DESCRIPTION = /^[A-Z0-9-]+(?:@\S+)? (?:SHA256|MD5):/;

/**
 * The user, address and port of a line with an EXTRA, from `from` (where the user
 * name starts): the address before the first `ssh2: ` that starts a key description,
 * or else before the first `ssh2: ` (see the module comment).
 */
function beforeExtra(line: string, from: number): { user: string; address: string; port: number; extra: string } | undefined {
  let first: RegExpExecArray | undefined;
  ADDRESS_THEN_EXTRA.lastIndex = from;
  for (let m = ADDRESS_THEN_EXTRA.exec(line); m !== null; m = ADDRESS_THEN_EXTRA.exec(line)) {
    const rest = line.slice(m.index + m[0].length);
    first ??= m;
    if (KEY_DESCRIPTION.test(rest)) {
      first = m;
      break;
    }
  }
  if (first === undefined) return undefined;
  return { user: line.slice(from, first.index), address: first[1], port: Number(first[2]), extra: line.slice(first.index + first[0].length) };
}

/** The public key's description (`ED25519 SHA256:…`) when sshd logged one. */
function withKey(extra: Record<string, unknown>, key: string | undefined): Record<string, unknown> {
  if (key !== undefined) extra.key = key;
  return extra;
}

function num(v: string | undefined): number | undefined {
  return v === undefined ? undefined : Number(v);
}

/** `logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=root`; `user=` is last and may hold spaces. */
function pamFailure(kv: string, attempts: number): SshdFields {
  const rhost = /(?:^|\s)rhost=(\S*)/.exec(kv)?.[1];
  const user = /(?:^|\s)user=(.*)$/.exec(kv)?.[1];
  return {
    action: 'pam-auth-failure',
    outcome: 'failure',
    user: user || undefined,
    address: rhost || undefined,
    extra: { attempts },
  };
}

/** Shared, never modified: one array for every sshd event rather than one each. */
const AUTHENTICATION: readonly string[] = Object.freeze(['authentication']);

/** Adds the parsed sshd facts to an event's fields (ECS names, custom ones under `sshd.*`). */
export function applySshdFields(fields: Record<string, unknown>, p: SshdFields): void {
  const event = fields.event as Record<string, unknown>;
  event.action = p.action;
  event.category = AUTHENTICATION;
  if (p.outcome) event.outcome = p.outcome;
  if (p.user !== undefined) fields.user = { name: p.user };
  if (p.address !== undefined) {
    const source: Record<string, unknown> = { address: p.address };
    const ip = canonicalIp(p.address);
    if (ip) source.ip = ip;
    if (p.port !== undefined) source.port = p.port;
    fields.source = source;
  }
  if (p.extra) fields.sshd = p.extra;
}
