import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Expands the paths given to `replay`/`parse` into files: folders are walked
 * recursively in name order; hidden files and Markdown are skipped. `-` is stdin.
 * A path that does not exist is an error (exit status 2), reported with its name.
 */
export async function expandInputs(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push(p);
      continue;
    }
    let stat;
    try {
      stat = await fs.stat(p);
    } catch (e) {
      throw new Error(`${p}: cannot read input (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (stat.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name.endsWith('.md')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else if (e.isFile()) out.push(full);
  }
  return out;
}

export async function totalSize(files: string[]): Promise<number> {
  let total = 0;
  for (const f of files) if (f !== '-') total += (await fs.stat(f)).size;
  return total;
}
