import ipaddr from 'ipaddr.js';

/**
 * Canonical form of an IP address as it appears in logs: IPv4-mapped IPv6
 * (`::ffff:203.0.113.7`) becomes plain IPv4 so one attacker is one group key,
 * IPv6 is compressed, and a zone id (`fe80::1%eth0`) is dropped. Returns undefined
 * for anything that is not an address (host names when UseDNS is on, say), and for a
 * dotted quad with a leading zero (`010.1.1.1`): inet_aton reads it as octal (8.1.1.1),
 * inet_pton and Python refuse it, and read either way it could put one address's
 * events under another's key (a web server logs what a client sends as its address).
 */
const PLAIN_IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function canonicalIp(text: string): string | undefined {
  // Fast path: a dotted quad without leading zeros is already canonical (most log lines).
  if (PLAIN_IPV4.test(text)) return text;
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const pct = s.indexOf('%');
  if (pct > 0) s = s.slice(0, pct);
  if (!ipaddr.isValid(s)) return undefined;
  // ipaddr.isValid accepts shorthand like "1" or "0x7f.1"; logs only carry dotted quads.
  if (!s.includes(':') && !/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) return undefined;
  // The dotted quad, alone or ending an IPv6 address, with a leading zero in an octet.
  const quad = s.slice(s.lastIndexOf(':') + 1);
  if (quad.includes('.') && /(?:^|\.)0\d/.test(quad)) return undefined;
  return ipaddr.process(s).toString();
}
