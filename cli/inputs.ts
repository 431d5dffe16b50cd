import { InputProblem, expandInputs } from '../shared/local/inputs';
import { CliError, EXIT_USAGE } from './options';
import { safeText } from './output/terminal';

/**
 * The files of the paths given, each path that cannot be read reported on stderr
 * (`skipped PATH: reason`) and left out; a usage error when none can be read at all.
 */
export async function inputFiles(paths: string[], skipped: (text: string) => string = (t) => t): Promise<{ files: string[]; problems: InputProblem[] }> {
  const problems: InputProblem[] = [];
  const files = await expandInputs(paths, (p) => {
    problems.push(p);
    process.stderr.write(`${skipped('skipped')} ${safeText(`${p.path}: ${p.reason}`, 500)}\n`);
  });
  if (files.length === 0 && problems.length > 0) throw new CliError(`no input could be read (${problems.length} path(s) skipped)`, EXIT_USAGE);
  return { files, problems };
}

/** `--strict`: any record, file or path skipped makes the exit status 2. */
export function strictStatus(strict: boolean | undefined, skippedRecords: number, skippedFiles: number): number | undefined {
  if (!strict || skippedRecords + skippedFiles === 0) return undefined;
  process.stderr.write(`secmon: --strict: ${skippedRecords} input record(s) and ${skippedFiles} file(s) or path(s) skipped\n`);
  return EXIT_USAGE;
}
