/**
 * The one redaction every URL, connection string and error text passes through before
 * it reaches an error, a log line or a dead letter. Webhook URLs carry access tokens
 * in their query, connection strings carry passwords in their user part or query, and
 * libraries quote what they were given (`Failed to parse URL from …`), so:
 *
 * - the user part of anything that looks like `scheme://user:pass@host` becomes `***@`
 *   (the whole of it up to the last `@` before the path, so a password holding `@`
 *   leaves no tail);
 * - every query value of a URL becomes `***` (names stay: `?access_token=***`), and so
 *   does every `name=value` whose name says secret (token, password, secret, sign,
 *   key, signature, credential) anywhere in the text;
 * - each of `known` (the secrets the caller holds) becomes `***`, wherever it is.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#]*)@/gi;
const QUERY = /([?&][^\s=&#]+=)[^\s&#"']*/g;
const SECRET_PAIR = /\b((?:access_?token|token|password|passwd|pass|secret|sign|signature|key|accesskey(?:secret)?|credential)[a-z_]*\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&,;"']+)/gi;

export function redact(text: string, known: ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const secret of known) if (secret && secret.length >= 4) out = out.split(secret).join('***');
  out = out.replace(URL_USERINFO, (_m, scheme: string) => `${scheme}***@`);
  out = out.replace(QUERY, (_m, name: string) => `${name}***`);
  out = out.replace(SECRET_PAIR, (_m, name: string) => `${name}***`);
  return out;
}
