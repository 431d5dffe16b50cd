import { readFile } from 'node:fs/promises';
import { ConfigError, SecmonConfig, configFromJson } from '../shared/config/config';
import { SettingSources, readSettings } from '../shared/assembly/assemble';
import { CliError, EXIT_USAGE } from './options';

/** The options every command that reads settings has. */
export interface SettingsOptions {
  settings?: string;
  state?: string;
}

/**
 * The CLI's setting sources, as Function Compute reads its own: the environment, then
 * the `--settings` file, then the flags that are settings (`--state`).
 */
export async function settingSources(o: SettingsOptions): Promise<SettingSources> {
  let file: Record<string, string> = {};
  if (o.settings) {
    try {
      file = configFromJson(await readFile(o.settings, 'utf8'), o.settings);
    } catch (e) {
      throw new CliError(e instanceof ConfigError ? e.message : `--settings: ${(e as Error).message}`, EXIT_USAGE);
    }
  }
  return [file, { SECMON_STATE: o.state }];
}

/** The settings, or a usage error naming every bad one. */
export async function cliSettings(o: SettingsOptions): Promise<SecmonConfig> {
  const sources = await settingSources(o);
  try {
    return readSettings(process.env, ...sources);
  } catch (e) {
    throw new CliError((e as Error).message, EXIT_USAGE);
  }
}
