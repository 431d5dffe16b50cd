import { Writable } from 'node:stream';

/**
 * Alert lines to stdout in chunks, waiting for 'drain' when the reader is slower
 * than the replay (a pipe into jq or a file on a slow disk): memory stays bounded by
 * one chunk plus what the stream buffers, and there is one write per chunk rather
 * than one per alert.
 */
export class OutputWriter {
  private buffered: string[] = [];
  private size = 0;

  constructor(
    private readonly out: Writable = process.stdout,
    private readonly chunkChars = 64 * 1024,
  ) {}

  /** Adds text; resolves at once unless a full chunk had to wait for the stream to drain. */
  write(text: string): Promise<void> | undefined {
    this.buffered.push(text);
    this.size += text.length;
    return this.size >= this.chunkChars ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const chunk = this.buffered.join('');
    this.buffered = [];
    this.size = 0;
    if (!this.out.write(chunk)) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }
}
