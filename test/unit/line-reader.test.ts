import { Readable } from 'node:stream';
import { readLineBlocks } from '../../shared/local/input/line-reader';

/** The lines read, and each line's number as its block gives it. */
async function linesOf(chunks: Array<Buffer | string>): Promise<{ lines: string[]; numbers: number[] }> {
  const lines: string[] = [];
  const numbers: number[] = [];
  for await (const block of readLineBlocks(Readable.from(chunks, { objectMode: true }))) {
    for (let i = 0; i < block.count; i++) {
      lines.push(block.line(i));
      numbers.push(block.firstLine + i);
    }
  }
  return { lines, numbers };
}

describe('readLineBlocks', () => {
  test('lines cut anywhere by chunk boundaries come out whole, numbered in order', async () => {
    const text = 'first line\nsecond, a longer line than the others\n\nfourth\r\nlast without an end';
    const expected = ['first line', 'second, a longer line than the others', '', 'fourth', 'last without an end'];
    // Every way of cutting the text in two, and in pieces of 3 bytes.
    for (let cut = 0; cut <= text.length; cut++) {
      const { lines } = await linesOf([Buffer.from(text.slice(0, cut)), Buffer.from(text.slice(cut))]);
      expect(lines).toEqual(expected);
    }
    const pieces = Buffer.from(text);
    const small = Array.from({ length: Math.ceil(pieces.length / 3) }, (_, i) => pieces.subarray(i * 3, i * 3 + 3));
    const { lines, numbers } = await linesOf(small);
    expect(lines).toEqual(expected);
    // Each block starts where the previous one ended: line n of the file is number n.
    expect(numbers).toEqual([1, 2, 3, 4, 5]);
  });

  test('a CRLF split between chunks, and a character of several bytes split between chunks', async () => {
    expect((await linesOf([Buffer.from('one\r'), Buffer.from('\ntwo\r\n')])).lines).toEqual(['one', 'two']);
    const utf8 = Buffer.from('user=Zoë 日本\nnext\n');
    const at = utf8.indexOf(0xe6); // the first byte of 日 (three bytes)
    expect((await linesOf([utf8.subarray(0, at + 1), utf8.subarray(at + 1, at + 2), utf8.subarray(at + 2)])).lines).toEqual(['user=Zoë 日本', 'next']);
  });

  test('a line spanning many chunks', async () => {
    const long = 'x'.repeat(100_000);
    const chunks = [Buffer.from('a\n' + long.slice(0, 10))];
    for (let i = 10; i < long.length; i += 32_768) chunks.push(Buffer.from(long.slice(i, i + 32_768)));
    chunks.push(Buffer.from('\nb'));
    const { lines } = await linesOf(chunks);
    expect(lines.map((l) => l.length)).toEqual([1, 100_000, 1]);
    expect(lines[1]).toBe(long);
  });
});
