const setFlags = jest.fn();
jest.mock('node:v8', () => ({ setFlagsFromString: (f: string) => setFlags(f) }));

import { limitHeapGrowth } from '../../shared/runtime/heap';

describe('limitHeapGrowth', () => {
  const saved = { options: process.env.NODE_OPTIONS, argv: process.execArgv };
  afterEach(() => {
    setFlags.mockClear();
    if (saved.options === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved.options;
    process.execArgv = saved.argv;
  });

  test('asks V8 to grow the old generation to at most twice its live size', () => {
    delete process.env.NODE_OPTIONS;
    process.execArgv = [];
    limitHeapGrowth();
    expect(setFlags).toHaveBeenCalledWith('--heap-growing-percent=100');
  });

  test('leaves a value given in NODE_OPTIONS or on the command line alone', () => {
    process.env.NODE_OPTIONS = '--max-old-space-size=512 --heap-growing-percent=50';
    process.execArgv = [];
    limitHeapGrowth();
    process.env.NODE_OPTIONS = '';
    process.execArgv = ['--heap_growing_percent=30'];
    limitHeapGrowth();
    expect(setFlags).not.toHaveBeenCalled();
  });
});
