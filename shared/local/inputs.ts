import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { compareText } from '../util/compare';

/** A path given to replay or parse that cannot be read: reported, and the others read. */
export interface InputProblem {
  path: string;
  reason: string;
}

/**
 * Expands the paths given to `replay`/`parse` into files: folders are walked
 * recursively in name order; hidden files and Markdown are skipped; symbolic links are
 * followed (a link back to a folder being walked is reported, not followed again).
 * `-` is stdin. A path that cannot be read (missing, a broken link, a folder that
 * cannot be listed) is reported through `onProblem` and the others are read.
 */
export async function expandInputs(paths: string[], onProblem: (p: InputProblem) => void): Promise<string[]> {
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
      onProblem({ path: p, reason: `cannot read (${errorCode(e)})` });
      continue;
    }
    if (stat.isDirectory()) await walk(p, new Set([await fs.realpath(p)]), out, onProblem);
    else out.push(p);
  }
  return out;
}

async function walk(dir: string, ancestors: Set<string>, out: string[], onProblem: (p: InputProblem) => void): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    onProblem({ path: dir, reason: `cannot list the folder (${errorCode(e)})` });
    return;
  }
  entries.sort((a, b) => compareText(a.name, b.name));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name.endsWith('.md')) continue;
    const full = path.join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      try {
        const target = await fs.stat(full);
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch (err) {
        onProblem({ path: full, reason: `broken symbolic link (${errorCode(err)})` });
        continue;
      }
    }
    if (isDir) {
      const real = await fs.realpath(full);
      if (ancestors.has(real)) {
        onProblem({ path: full, reason: 'symbolic link to a folder being read (a loop): not followed' });
        continue;
      }
      await walk(full, new Set([...ancestors, real]), out, onProblem);
    } else if (isFile) out.push(full);
    else onProblem({ path: full, reason: 'not a regular file: skipped' });
  }
}

function errorCode(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

export async function totalSize(files: string[]): Promise<number> {
  let total = 0;
  for (const f of files) {
    if (f === '-') continue;
    try {
      total += (await fs.stat(f)).size;
    } catch {
      // reported when it is read
    }
  }
  return total;
}
