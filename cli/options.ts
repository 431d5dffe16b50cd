import { InvalidArgumentError } from 'commander';
import { INPUT_FORMATS, InputFormat } from '../shared/local/input/read-events';
import { parseZone } from '../shared/config/config';

/** Exit statuses of DESIGN §6. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** `replay --dispatch`: a channel failed every delivery it was given (each dead-lettered, the reason on stderr). */
export const EXIT_DELIVERY = 3;

/** An error that ends the command with a given status and a plain message. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function parseFormat(value: string): InputFormat {
  if (!(INPUT_FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${INPUT_FORMATS.join(', ')}`);
  }
  return value as InputFormat;
}

export function parseBatch(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1_000_000) throw new InvalidArgumentError('must be a whole number of lines from 1 to 1000000');
  return Number(value);
}

export function parseYear(value: string): number {
  if (!/^\d{4}$/.test(value)) throw new InvalidArgumentError('must be a four-digit year');
  return Number(value);
}

/** `+08:00`, `-0500`, `UTC` or an IANA name such as `Asia/Shanghai`. */
export function parseTz(value: string): string {
  try {
    return parseZone(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export interface InputOptions {
  format: InputFormat;
  year?: number;
  tz?: string;
  strict?: boolean;
}
