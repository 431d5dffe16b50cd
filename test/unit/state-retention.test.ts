import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Detector } from '../../shared/engine/detector';
import { SecEvent } from '../../shared/events/event';
import { normalizeSyslogLineInto } from '../../shared/events/syslog';
import { readLineBlocks } from '../../shared/local/input/line-reader';
import { compileRule } from '../../shared/rules/load';
import { MemoryStateStore } from '../../shared/state/memory';
import { ownString } from '../../shared/util/own-string';
import { ruleDef } from '../helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe('state does not keep input blocks alive', () => {
  test('own strings equal their originals', () => {
    const block = `${'x'.repeat(100)}administrator-with-a-long-name`;
    expect(ownString(block.slice(100))).toBe('administrator-with-a-long-name');
    expect(ownString('root')).toBe('root');
  });

  test('windows keep what they captured from syslog lines (user names, evidence), not the blocks the lines were read in', async () => {
    const spraying = compileRule(
      ruleDef({ kind: 'threshold', condition: { field: 'event.action', op: 'equals', value: 'auth-failed' }, groupBy: ['source.ip'], threshold: { count: 1000, window: '1h', distinct: 'user.name' } }),
      'rules/t.json',
    );
    const detector = new Detector([spraying], new MemoryStateStore());
    const before = heapAfterGc();
    // 200 lines, each in a 64 KB block of its own as the line reader gets them, from 200
    // addresses: 200 windows each keeping one user name and the evidence of its first hit.
    for (let i = 0; i < 200; i++) {
      const block = Buffer.from(`2026-11-20T10:00:${String(i % 60).padStart(2, '0')}.000Z web-01 sshd[1]: Failed password for invalid user administrator${i} from 198.51.${i >> 8}.${i & 255} port 22 ssh2\n${'#'.repeat(65536)}`);
      const events: SecEvent[] = [];
      for await (const lines of readLineBlocks([block])) {
        for (let k = 0; k < lines.count; k++) if (lines.line(k).startsWith('2026')) normalizeSyslogLineInto(lines.line(k), { year: 2026 }, events);
      }
      expect(events).toHaveLength(1);
      expect(await detector.process(events)).toEqual([]);
    }
    const grown = heapAfterGc() - before;
    // 200 blocks would be 13 MB (26 MB as text); the windows themselves are a few hundred KB.
    expect(grown).toBeLessThan(3 * 1048576);
  });
});
