/**
 * Structured log lines for Function Compute (shipped to SLS by logConfig), one JSON
 * object per line in the ECS logging shape: `@timestamp`, `log.level`, `message`
 * first, then the facts. s.yaml sets `logBeginRule: None`, so each line is one SLS
 * entry. Callers pass facts, never secrets: configuration objects are not logged whole.
 */
export type LogLevel = 'info' | 'warn' | 'error' | 'alert';

export function logLine(level: LogLevel, message: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ '@timestamp': new Date().toISOString(), 'log.level': level, message, ...fields });
}

export function log(level: Exclude<LogLevel, 'alert'>, message: string, fields: Record<string, unknown> = {}): void {
  const line = logLine(level, message, fields);
  if (level === 'error') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}
