/**
 * Attacker-controlled text (user names, commands, user agents, request parameters)
 * made safe for each channel, bounded in length. Identifiers must survive: what a
 * reader copies out of a rendered message is the original text (a key, an account,
 * a login name pasted into SLS or grep must match), so characters are escaped the way
 * the format itself undoes when it renders, never replaced by look-alikes.
 */
const MAX_FIELD = 200;

function bound(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * Characters that reorder or hide text (bidirectional overrides and isolates,
 * zero-width characters, the byte-order mark): shown as a visible `‹U+202E›`, so that
 * `evil‮gpj.exe` cannot pass for `evilexe.jpg` and a hidden character cannot make two
 * names look the same.
 */
const INVISIBLE = /[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** One line, no control characters, invisible characters made visible. */
export function plainText(value: unknown, max = MAX_FIELD): string {
  const s = String(value ?? '-')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(INVISIBLE, (c) => `‹U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}›`);
  return bound(s, max);
}

/**
 * URLs in attacker text made unclickable, readably: `http://evil.example/x` becomes
 * `hxxp://evil[.]example/x` (the convention of threat reports), so that no client turns
 * it into a link. A bare host name (`web-01.example.com`) stays as it is: it is an
 * identifier, and a link some client makes of it shows its own target.
 */
export function defang(s: string): string {
  return s
    .replace(/\b([a-z][a-z0-9+.-]*):\/\/([^\s/?#]*)/gi, (_m, scheme: string, host: string) => `${/^https?$/i.test(scheme) ? `hxxp${scheme.slice(4)}://` : `${scheme}[:]//`}${host.replace(/\./g, '[.]')}`)
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}[.]`);
}

/**
 * DingTalk markdown (CommonMark as DingTalk renders it): attacker text can open no
 * link, image, HTML tag, emphasis or code span, and @-mention nobody. Only the
 * characters that could start markup inside a line are backslash-escaped (layouts
 * never start a line with a value, where headings, quotes and lists would open), which the renderer undoes (copying gives the
 * original): `\ \` * [ ] < > ~`, `&` before what could be an entity, `.` between a
 * word and a letter (so that `evil.example`, `carol@1234567890123456.onaliyun.com` or a
 * field name like `user.name` is not made a link by a renderer that links bare domains),
 * and `_` unless between letters or digits (where CommonMark opens nothing), so that
 * `web-01|pack_secmon_authorized_keys|0` reads and copies unchanged. `@` before digits,
 * not after a word character (a mention of a mobile number), becomes a full-width ＠
 * that mentions nobody, while `carol@1234567890123456.onaliyun.com` stays as it is.
 * URLs are defanged.
 */
export function markdownText(value: unknown, max = MAX_FIELD): string {
  const s = defang(plainText(value, max));
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '_') out += isWordChar(s[i - 1]) && isWordChar(s[i + 1]) ? c : '\\_';
    else if (c === '@') out += /\d/.test(s[i + 1] ?? '') && !isWordChar(s[i - 1]) ? '＠' : c;
    else if (c === '&') out += /^&(#\d+|#x[\da-f]+|[a-z][a-z\d]*);/i.test(s.slice(i, i + 34)) ? '\\&' : c;
    else if (c === '.') out += isWordChar(s[i - 1]) && /[a-z]/i.test(s[i + 1] ?? '') ? '\\.' : c;
    else if ('\\`*[]<>~'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[\p{L}\p{N}]/u.test(c);
}

/**
 * A URL this side built (console, SLS, a rule's reference) as a markdown link
 * destination: only https, with the characters that would end the destination encoded.
 */
export function markdownUrl(url: string): string | undefined {
  if (!/^https:\/\/[^\s<>"]+$/.test(url)) return undefined;
  return url.replace(/[()\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** HTML text content and attribute values; URLs in it defanged. */
export function htmlText(value: unknown, max = MAX_FIELD): string {
  return defang(plainText(value, max)).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A URL this side built, for an HTML `href`: only https, attribute-escaped. */
export function htmlUrl(url: string): string | undefined {
  if (!/^https:\/\/[^\s<>"]+$/.test(url)) return undefined;
  return url.replace(/&/g, '&amp;').replace(/'/g, '%27');
}

/** A mail header value (Subject): one line (no CR/LF to inject headers), invisible characters visible. */
export function headerText(value: unknown, max = 150): string {
  return plainText(value, max).trim();
}
