import { DeliveryError } from '../retry';

/** POST a JSON body; network errors and 5xx are retryable, other 4xx are not. */
export async function postJson(url: string, body: string, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<{ status: number; text: string }> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw new DeliveryError(`network error: ${(e as Error).message}`, true);
  }
  const text = await res.text();
  if (res.status >= 500 || res.status === 429) throw new DeliveryError(`HTTP ${res.status}`, true);
  if (res.status >= 400) throw new DeliveryError(`HTTP ${res.status}: ${text.slice(0, 200)}`, false);
  return { status: res.status, text };
}

/** A URL safe to print: query strings (access tokens) removed. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '<invalid URL>';
  }
}
