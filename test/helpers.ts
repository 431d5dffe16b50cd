import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RuleDefinition } from '../shared/rules/rule';

/** A fresh temporary folder, with files written from a name → content map. */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'secmon-test-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** A rule definition as a test writes it: any kind with its parameters (the loader's schema checks them). */
export type RuleOverrides = Partial<Omit<RuleDefinition, 'kind'>> & {
  kind?: RuleDefinition['kind'];
  threshold?: { count: number; window: string; distinct?: string };
  sequence?: { window: string; steps: Array<{ name: string; condition: RuleDefinition['condition']; count?: number }> };
  newValue?: { field: string; lookback: string; maxValues?: number; alertOnFirstSeenGroup?: boolean };
  dormancy?: { after: string };
};

/** A minimal valid rule, to be varied by each test. */
export function ruleDef(overrides: RuleOverrides = {}): RuleDefinition {
  return {
    id: 'test.rule',
    title: 'Test rule',
    description: 'A rule for tests',
    severity: 'low',
    source: 'sshd',
    condition: { field: 'event.action', op: 'equals', value: 'auth-failed' },
    kind: 'match',
    tests: [{ name: 'n', events: ['Nov 20 10:00:00 h sshd[1]: Failed password for root from 198.51.100.1 port 1 ssh2'], expect: { alerts: 1 } }],
    ...overrides,
  } as RuleDefinition;
}

export function failedLogin(iso: string, ip: string, user = 'root'): string {
  return `${iso} web-01 sshd[42]: Failed password for ${user} from ${ip} port 40000 ssh2`;
}
