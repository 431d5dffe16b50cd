/**
 * Structured log lines for Function Compute (shipped to SLS by logConfig). Callers
 * pass facts, never secrets: configuration objects are not logged whole.
 */
export function log(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level: level.toUpperCase(), message, ...fields });
  if (level === 'error') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}
