/**
 * sudo log lines turned into ECS fields:
 *
 *   `alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id`
 *   `alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh`
 *   `bob : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/bash`
 *   `pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice`
 *
 * sudo does not escape ` ; ` inside PWD or COMMAND, and both are chosen by the user.
 * COMMAND is always last, so it is everything after the first `COMMAND=`: a directory
 * named `x ; COMMAND=/bin/true` cannot hide the real command, which stays in
 * `process.command_line`. The other keys come before COMMAND and the real ones come
 * after PWD, so for them the last occurrence wins.
 */
export interface SudoFields {
  action: string;
  outcome: 'success' | 'failure';
  user?: string;
  targetUser?: string;
  tty?: string;
  pwd?: string;
  command?: string;
  reason?: string;
  attempts?: number;
}

const KEYS = ['TTY', 'PWD', 'USER', 'GROUP', 'TSID', 'ENV', 'CHROOT', 'CWD', 'RUNCHROOT', 'RUNCWD'];
const KEY_SPLIT = new RegExp(` ; (?=(?:${KEYS.join('|')})=)`);
const INVOCATION = /^\s*(\S+) : (.*)$/s;

const REASONS: Array<[RegExp, string]> = [
  [/^(\d+) incorrect password attempts?$/, 'auth-failed'],
  [/^user NOT in sudoers$/, 'not-in-sudoers'],
  [/^user NOT authorized on host$/, 'not-in-sudoers'],
  [/^command not allowed$/, 'command-not-allowed'],
  [/^a password is required$/, 'password-required'],
];

export function parseSudoMessage(message: string): SudoFields {
  const pam = /^pam_unix\(sudo(?:-i)?:auth\): authentication failure; (.*)$/.exec(message);
  if (pam) {
    const ruser = /(?:^|\s)ruser=(\S*)/.exec(pam[1])?.[1];
    const user = /(?:^|\s)user=(.*)$/.exec(pam[1])?.[1];
    return { action: 'pam-auth-failure', outcome: 'failure', user: ruser || user || undefined };
  }
  const session = /^pam_unix\(sudo(?:-i)?:session\): session (opened|closed) for user (.+?)(?:\(uid=\d+\))?(?: by (.+?)(?:\(uid=\d+\))?)?$/.exec(message);
  if (session) {
    return {
      action: session[1] === 'opened' ? 'session-opened' : 'session-closed',
      outcome: 'success',
      targetUser: session[2],
      user: session[3] || undefined,
    };
  }

  const inv = INVOCATION.exec(message);
  if (!inv || !/(^|; )(TTY|PWD|USER|COMMAND)=/.test(inv[2])) return { action: 'other', outcome: 'success' };

  let body = inv[2];
  let command: string | undefined;
  const cmdAt = body.startsWith('COMMAND=') ? 0 : body.indexOf(' ; COMMAND=');
  if (cmdAt >= 0) {
    command = body.slice(cmdAt === 0 ? 'COMMAND='.length : cmdAt + ' ; COMMAND='.length);
    body = body.slice(0, cmdAt);
  }
  const parts = body === '' ? [] : body.split(KEY_SPLIT);
  const values: Record<string, string> = {};
  let reason: string | undefined;
  parts.forEach((part, i) => {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : '';
    if (KEYS.includes(key)) values[key] = part.slice(eq + 1);
    else if (i === 0) reason = part;
  });
  let action = 'command';
  let attempts: number | undefined;
  if (reason !== undefined) {
    action = 'failure';
    for (const [re, name] of REASONS) {
      const m = re.exec(reason);
      if (m) {
        action = name;
        if (name === 'auth-failed') attempts = Number(m[1]);
        break;
      }
    }
  }
  return {
    action,
    outcome: action === 'command' ? 'success' : 'failure',
    user: inv[1],
    targetUser: values.USER,
    tty: values.TTY,
    pwd: values.PWD,
    command,
    reason,
    attempts,
  };
}

const PROCESS: readonly string[] = Object.freeze(['process']);

export function applySudoFields(fields: Record<string, unknown>, p: SudoFields): void {
  const event = fields.event as Record<string, unknown>;
  event.action = p.action;
  event.outcome = p.outcome;
  event.category = PROCESS;
  if (p.user !== undefined || p.targetUser !== undefined) {
    const user: Record<string, unknown> = {};
    if (p.user !== undefined) user.name = p.user;
    if (p.targetUser !== undefined) user.effective = { name: p.targetUser };
    fields.user = user;
  }
  const process = fields.process as Record<string, unknown>;
  if (p.command !== undefined) {
    process.command_line = p.command;
    const exe = p.command.split(' ', 1)[0];
    if (exe) process.executable = exe;
  }
  if (p.pwd !== undefined) process.working_directory = p.pwd;
  const sudo: Record<string, unknown> = {};
  if (p.tty !== undefined) sudo.tty = p.tty;
  if (p.reason !== undefined) sudo.reason = p.reason;
  if (p.attempts !== undefined) sudo.attempts = p.attempts;
  if (Object.keys(sudo).length > 0) fields.sudo = sudo;
}
