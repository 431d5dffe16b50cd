import { EventSink, InputError, Origin, SecEvent, Source } from '../event';
import { lineId, stableId } from '../../util/hash';
import { HeaderOptions, SyslogHeader, headerProblem, readSyslogHeader } from './header';
import { isoTimestamp } from '../../util/time';
import { applySshdFields, parseSshdMessage } from './sshd';
import { applySudoFields, parseSudoMessage } from './sudo';
import { applySuFields, parseSuMessage } from './su';
import { ACCOUNT_PROGRAMS, applyAccountFields } from './account';
import { applyLogindFields } from './logind';
import { isWebServerErrorLine, normalizeWebServerErrorLine } from '../webserver';

const SSHD_PROGRAMS = new Set(['sshd', 'sshd-session', 'sshd-auth', 'sftp-server', 'internal-sftp']);
/** rsyslog folds repeats into one line; each repeat is an attempt that must be counted. */
const REPEATED = /^message repeated (\d+) times: \[ ?(.*?) ?\]$/s;
const MAX_REPEAT = 1000;

export interface SyslogContext extends HeaderOptions {
  origin?: Origin;
  /** Identity of the line's position; hashed into the event id. Default: the origin's file and line. */
  position?: string;
  /**
   * Set by a file reader whose options read a line into the same events every time
   * (a year or a reference time fixed): the events carry their line and these options.
   */
  replay?: HeaderOptions;
}

/**
 * One syslog line to normalized events: usually one, several for rsyslog's
 * `message repeated N times`. Lines from programs other than sshd and sudo become
 * generic `syslog` events. Throws InputError for a line that is not syslog at all.
 */
export function normalizeSyslogLine(line: string, ctx: SyslogContext = {}): SecEvent[] {
  const events: SecEvent[] = [];
  normalizeSyslogLineInto(line, ctx, events);
  return events;
}

const SOLARIS_MESSAGE_ID = /^\[ID \d+ [a-z0-9]+\.[a-z]+\] /;

/** The header of the line being normalized (one object for every line: no allocation per line). */
const header: SyslogHeader = { time: 0, hostname: undefined, program: '', pid: undefined, message: '' };

/** normalizeSyslogLine, appending to `out` (the readers' hot path). */
export function normalizeSyslogLineInto(line: string, ctx: SyslogContext, out: EventSink): void {
  if (!readSyslogHeader(line, ctx, header)) {
    // Web server error logs sit beside auth logs but have headers of their own.
    if (isWebServerErrorLine(line)) {
      for (const e of normalizeWebServerErrorLine(line, ctx)) out.push(e);
      return;
    }
    throw new InputError(ctx.origin, headerProblem(line, ctx));
  }
  normalizeSyslogPartsInto(header, line, ctx, out);
}

/** The parts of one syslog message, however they arrived (a text line's header, a journal record's fields). */
export interface SyslogParts {
  time: number;
  hostname?: string;
  program: string;
  pid?: number;
  message: string;
}

/**
 * The events of one message from its parts. `text` is what identifies the record
 * (the line, or the journal record's own text) for the event id.
 */
export function normalizeSyslogPartsInto(parts: SyslogParts, text: string, ctx: SyslogContext, out: EventSink): void {
  const { time, hostname, pid } = parts;
  // Old RHEL syslog tags PAM's messages of sshd as `sshd(pam_unix)`.
  const program = parts.program.endsWith('(pam_unix)') ? parts.program.slice(0, -10) : parts.program;
  let message = parts.program === program ? parts.message : `pam_unix(${program}:${parts.message.startsWith('session ') ? 'session' : 'auth'}): ${parts.message}`;
  // Solaris and illumos syslogd put a message id and the facility first: `[ID 800047 auth.info] `.
  if (message.charCodeAt(0) === 91 /* [ */ && message.startsWith('[ID ')) {
    const id = SOLARIS_MESSAGE_ID.exec(message);
    if (id) message = message.slice(id[0].length);
  }
  let repeat = 1;
  const rep = message.startsWith('message repeated ') ? REPEATED.exec(message) : null;
  if (rep) {
    repeat = Math.min(Number(rep[1]), MAX_REPEAT);
    message = rep[2];
  }

  const source: Source = SSHD_PROGRAMS.has(program) ? 'sshd' : program === 'sudo' ? 'sudo' : program === 'su' ? 'su' : ACCOUNT_PROGRAMS.has(program) ? 'account' : 'syslog';
  if (out.discard !== undefined && out.discard(source, repeat)) return;
  const baseId = ctx.position !== undefined ? stableId(ctx.position, text) : ctx.origin ? lineId(ctx.origin.path, ctx.origin.line, text) : stableId(text);
  const timestamp = isoTimestamp(time);
  for (let i = 0; i < repeat; i++) {
    const id = i === 0 ? baseId : `${baseId}-${i}`;
    const fields: Record<string, unknown> = {
      id,
      '@timestamp': timestamp,
      event: { dataset: source, kind: 'event' },
      process: pid === undefined ? { name: program } : { name: program, pid },
      message,
    };
    if (hostname !== undefined) fields.host = { hostname };
    if (ctx.origin) fields.log = { file: ctx.origin };
    if (source === 'sshd') applySshdFields(fields, parseSshdMessage(message));
    else if (source === 'sudo') applySudoFields(fields, parseSudoMessage(message));
    else if (source === 'su') applySuFields(fields, parseSuMessage(message));
    else if (source === 'account') applyAccountFields(fields, message);
    else if (program === 'systemd-logind') applyLogindFields(fields, message);
    out.push(ctx.replay === undefined ? { source, id, time, fields } : new FileLineEvent(source, id, time, fields, text, ctx.replay));
  }
}

/**
 * An event read from a line of a file: it carries the line and the options it was
 * read with (see LineEvidence), and is written as a plain event, so that state stores
 * keep what they kept before.
 */
class FileLineEvent implements SecEvent {
  constructor(
    readonly source: Source,
    readonly id: string,
    readonly time: number,
    readonly fields: Record<string, unknown>,
    readonly line: string,
    readonly reading: HeaderOptions,
  ) {}

  toJSON(): SecEvent {
    return { source: this.source, id: this.id, time: this.time, fields: this.fields };
  }
}
