import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `secmon` CLI as a user would, from the repository root. */
export function runCli(args: string[], opts: { input?: string; nodeArgs?: string[]; env?: Record<string, string> } = {}): Promise<CliResult> {
  // The child sees no SECMON_* setting of the test process, only the ones a test gives.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SECMON_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), path.join(ROOT, 'bin', 'secmon.js'), ...args], {
      cwd: ROOT,
      env: { ...env, NO_COLOR: '1', ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}
