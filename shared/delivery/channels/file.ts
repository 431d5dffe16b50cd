import { appendFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { Alert } from '../../alerts/alert';
import { Channel } from './channel';

/** Appends each alert as a JSON line to a file (a local inbox, or for other tools to tail). */
export class FileChannel implements Channel {
  readonly type = 'file';

  constructor(
    readonly name: string,
    private readonly file: string,
  ) {}

  async send(alert: Alert): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    await appendFile(this.file, `${JSON.stringify(alert)}\n`);
  }
}
