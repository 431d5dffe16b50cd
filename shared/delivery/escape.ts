/**
 * Attacker-controlled text (user names, commands, user agents, request parameters)
 * made safe for each channel. Each function also bounds the length.
 */
const MAX_FIELD = 200;

function bound(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Control characters and line breaks out: a value is one line. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

/**
 * DingTalk markdown: every character that could start markup, a link, an image, an
 * HTML tag or an @-mention becomes its full-width twin, which reads the same and
 * means nothing; URLs are defanged so the client does not link them.
 */
const MARKDOWN_TWINS: Record<string, string> = {
  '[': '［', ']': '］', '(': '（', ')': '）', '<': '＜', '>': '＞', '!': '！', '*': '＊', _: '＿', '#': '＃',
  '`': '｀', '|': '｜', '~': '～', '@': '＠', '\\': '＼', '{': '｛', '}': '｝', '=': '＝',
};
export function dingtalkText(value: unknown, max = MAX_FIELD): string {
  const s = oneLine(String(value ?? '-'))
    .replace(/([a-z][a-z0-9+.-]*):\/\//gi, '$1[:]//')
    .replace(/[[\]()<>!*_#`|~@\\{}=]/g, (c) => MARKDOWN_TWINS[c]);
  return bound(s, max);
}

/** HTML text content and attribute values. */
export function htmlText(value: unknown, max = MAX_FIELD): string {
  return bound(oneLine(String(value ?? '-')), max).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A mail header value (Subject): one line, no CR/LF to inject headers. */
export function headerText(value: unknown, max = 150): string {
  return bound(oneLine(String(value ?? '-')).trim(), max);
}
