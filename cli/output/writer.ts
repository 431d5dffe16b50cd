import { Writable } from 'node:stream';

/**
 * Alert lines to stdout in chunks, waiting for 'drain' when the reader is slower
 * than the replay (a pipe into jq or a file on a slow disk): memory stays bounded by
 * one chunk plus what the stream buffers, and there is one write per chunk rather
 * than one per alert. Text is encoded straight into the chunk's bytes: no string is
 * concatenated, joined or encoded again on the way out.
 */
export class OutputWriter {
  private chunk: Buffer;
  private used = 0;

  constructor(
    private readonly out: Writable = process.stdout,
    private readonly chunkBytes = 64 * 1024,
  ) {
    this.chunk = Buffer.allocUnsafe(chunkBytes);
  }

  /** Adds text; resolves at once unless a full chunk had to wait for the stream to drain. */
  write(text: string): Promise<void> | undefined {
    return this.add(text, false);
  }

  /** Adds text and a newline (see write). */
  writeLine(text: string): Promise<void> | undefined {
    return this.add(text, true);
  }

  private add(text: string, newline: boolean): Promise<void> | undefined {
    // At most 3 bytes of UTF-8 per UTF-16 unit: when that fits, the text is encoded in place.
    const most = text.length * 3 + 1;
    if (most > this.chunkBytes - this.used) {
      if (Buffer.byteLength(text) + 1 > this.chunkBytes - this.used) return this.spill(text, newline);
    }
    this.used += this.chunk.write(text, this.used);
    if (newline) this.chunk[this.used++] = 10;
    return this.used >= this.chunkBytes ? this.flush() : undefined;
  }

  /** Text that does not fit in what is left of the chunk: the chunk goes, then the text (in a chunk of its own if it is larger). */
  private async spill(text: string, newline: boolean): Promise<void> {
    await this.flush();
    if (Buffer.byteLength(text) + 1 <= this.chunkBytes) {
      await this.add(text, newline);
      return;
    }
    await this.send(Buffer.from(newline ? `${text}\n` : text));
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    const full = this.chunk.subarray(0, this.used);
    // The stream may keep the bytes until they are written: the next text goes into a new chunk.
    this.chunk = Buffer.allocUnsafe(this.chunkBytes);
    this.used = 0;
    await this.send(full);
  }

  private async send(bytes: Buffer): Promise<void> {
    if (!this.out.write(bytes)) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }
}
