import { Writable } from 'node:stream';
import { OutputWriter } from '../../cli/output/writer';

/** A stream that keeps every chunk it is given, and reports it full after `highWaterMark` bytes until it drains. */
function sink(highWaterMark = 16 * 1024): { stream: Writable; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      setImmediate(done);
    },
  });
  return { stream, chunks };
}

describe('OutputWriter', () => {
  test('lines of any size and script come out whole, in order, in chunks no larger than the chunk size unless one line is', async () => {
    const { stream, chunks } = sink();
    const w = new OutputWriter(stream, 1024);
    const lines = [
      'ascii',
      'user=Zoë 日本 \u202e bidi',
      '😀'.repeat(300), // 1,200 bytes: larger than a chunk
      'x'.repeat(1023), // exactly a chunk with its newline
      '',
      ...Array.from({ length: 500 }, (_, i) => `line ${i} ${'é'.repeat(i % 40)}`),
    ];
    for (const l of lines) await w.writeLine(l);
    await w.write('no newline');
    await w.flush();
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(Buffer.concat(chunks).toString('utf8')).toBe(`${lines.join('\n')}\nno newline`);
    // Only the line larger than a chunk went out in a chunk of its own beyond the size.
    expect(chunks.filter((c) => c.length > 1024).map((c) => c.length)).toEqual([1201]);
  });

  test('a chunk handed to the stream is never written into again', async () => {
    const { stream, chunks } = sink();
    // The text of each chunk as the stream got it, before the writer went on.
    const seen: string[] = [];
    const write = stream.write.bind(stream);
    stream.write = ((chunk: Buffer, ...rest: never[]) => {
      seen.push(chunk.toString('utf8'));
      return write(chunk, ...rest);
    }) as typeof stream.write;
    const w = new OutputWriter(stream, 64);
    for (let i = 0; i < 50; i++) await w.writeLine(`alert ${i} ${'z'.repeat(i % 20)}`);
    await w.flush();
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(seen.length).toBeGreaterThan(10);
    expect(chunks.map((c) => c.toString('utf8'))).toEqual(seen);
  });

  test('waits for drain when the stream is full', async () => {
    const { stream } = sink(100);
    const w = new OutputWriter(stream, 64);
    let waited = 0;
    for (let i = 0; i < 20; i++) {
      const pending = w.writeLine('y'.repeat(40));
      if (pending) {
        waited++;
        await pending;
      }
    }
    expect(waited).toBeGreaterThan(0);
  });
});
