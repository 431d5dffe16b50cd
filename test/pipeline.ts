import { Alert } from '../shared/alerts/alert';
import { Alerter } from '../shared/alerts/alerter';
import { LinkOptions } from '../shared/alerts/links';
import { Detector } from '../shared/engine/detector';
import { resolveRuleDirs } from '../shared/rules/bundled';
import { loadRules } from '../shared/rules/load';
import { replayFiles } from '../shared/local/replay';
import { MemoryStateStore } from '../shared/state/memory';

/** The alerts the real pipeline raises on files with the bundled rules (in-process, memory store). */
export async function alertsOf(files: string[], links?: LinkOptions): Promise<Alert[]> {
  const loaded = await loadRules(resolveRuleDirs(undefined));
  if (loaded.problems.length > 0) throw new Error(loaded.problems.map((p) => p.message).join('; '));
  const alerts: Alert[] = [];
  await replayFiles(files, new Alerter(new Detector(loaded.rules, new MemoryStateStore()), links), {
    format: 'auto',
    syslog: { year: 2026 },
    onAlert: (a) => void alerts.push(a),
    onSkipped: (e) => {
      throw e;
    },
  });
  return alerts;
}
