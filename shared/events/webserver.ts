import { InputError, Origin, SecEvent } from './event';
import { canonicalIp } from './ip';
import { HeaderOptions, wallToUtc } from './syslog/header';
import { lineId } from '../util/hash';
import { isoTimestamp } from '../util/time';

/**
 * Web server error logs, which are not syslog:
 *
 *   nginx   `2026/11/20 10:00:00 [error] 1234#1234: *5 open() "/x" failed (2: No such file or directory), client: 203.0.113.9, server: _, request: "GET /x HTTP/1.1", host: "example.com"`
 *   Apache  `[Fri Nov 20 10:00:00.123456 2026] [core:error] [pid 1234:tid 5678] [client 203.0.113.9:51234] AH00037: Symbolic link not allowed`
 *
 * Both carry local time without a zone (the configured zone applies).
 */
const NGINX = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) \[(\w+)\] (\d+)#\d+: (.*)$/;
const APACHE = /^\[\w{3} (\w{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? (\d{4})\] \[(?:([\w-]+):)?(\w+)\] \[pid (\d+)(?::tid \d+)?\](?: \[client ([^\]]+)\])? (.*)$/;
const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

export function isWebServerErrorLine(line: string): boolean {
  return NGINX.test(line) || APACHE.test(line);
}

export function normalizeWebServerErrorLine(line: string, ctx: HeaderOptions & { origin?: Origin }): SecEvent[] {
  let time: number;
  let level: string;
  let server: string;
  let pid: number;
  let message: string;
  let client: string | undefined;
  let request: string | undefined;
  const n = NGINX.exec(line);
  if (n) {
    time = wallToUtc(ctx, Date.UTC(+n[1], +n[2] - 1, +n[3], +n[4], +n[5], +n[6]));
    [level, server, pid, message] = [n[7], 'nginx', Number(n[8]), n[9]];
    client = /, client: ([^,]+)/.exec(message)?.[1];
    request = /, request: "([^"]*)"/.exec(message)?.[1];
  } else {
    const a = APACHE.exec(line);
    if (!a) throw new InputError(ctx.origin, 'not a syslog line (no RFC 3164, RFC 5424 or ISO-8601 header) nor a web server error log line');
    const month = MONTHS[a[1]];
    if (month === undefined) throw new InputError(ctx.origin, `unknown month "${a[1]}"`);
    time = wallToUtc(ctx, Date.UTC(+a[6], month, +a[2], +a[3], +a[4], +a[5]));
    [level, server, pid, message] = [a[8], 'apache', Number(a[9]), a[11]];
    client = a[10]?.replace(/:\d+$/, '');
  }
  if (Number.isNaN(time)) throw new InputError(ctx.origin, 'invalid date in web server log line');
  const id = ctx.origin ? lineId(ctx.origin.path, ctx.origin.line, line) : lineId('', 0, line);
  const fields: Record<string, unknown> = {
    id,
    '@timestamp': isoTimestamp(time),
    event: { dataset: 'webserver', kind: 'event', action: 'error-logged', category: ['web'] },
    log: ctx.origin ? { level, file: ctx.origin } : { level },
    process: { name: server, pid },
    message,
  };
  if (client !== undefined) {
    const source: Record<string, unknown> = { address: client };
    const ip = canonicalIp(client);
    if (ip) source.ip = ip;
    fields.source = source;
  }
  if (request !== undefined) fields.http = { request: { line: request } };
  return [{ source: 'webserver', id, time, fields }];
}
