const setFlags = jest.fn();
jest.mock('node:v8', () => ({ setFlagsFromString: (f: string) => setFlags(f) }));

import { spawnSync } from 'node:child_process';
import { limitHeapGrowth } from '../../shared/util/heap';

describe('limitHeapGrowth', () => {
  const savedArgv = process.execArgv;
  afterEach(() => {
    setFlags.mockClear();
    process.execArgv = savedArgv;
  });

  test('asks V8 to grow the old generation to at most three times its live size', () => {
    process.execArgv = [];
    limitHeapGrowth();
    expect(setFlags).toHaveBeenCalledWith('--heap-growing-percent=200');
  });

  test('leaves a value given on the node command line alone', () => {
    process.execArgv = ['--heap_growing_percent=30'];
    limitHeapGrowth();
    process.execArgv = ['--max-old-space-size=512', '--heap-growing-percent=50'];
    limitHeapGrowth();
    expect(setFlags).not.toHaveBeenCalled();
  });

  test('the flag cannot come from NODE_OPTIONS: Node.js refuses to start with it there', () => {
    // Why only the command line is looked at: a NODE_OPTIONS value never reaches the process.
    const r = spawnSync(process.execPath, ['-e', '0'], { env: { ...process.env, NODE_OPTIONS: '--heap-growing-percent=50' }, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/heap-growing-percent.*not allowed in NODE_OPTIONS/);
  });
});
