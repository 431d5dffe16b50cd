import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Loads a heavy SDK wrapper on first use. The Alibaba Cloud SDKs and ioredis are
 * megabytes with their dependencies; in the bundles they are separate files under
 * `vendor/` (scripts/build.mjs names them), so a cold start neither loads nor even
 * parses what the invocation does not use. Run from the TypeScript sources (tests),
 * the wrapper module itself is required: `source` is its path, given by the caller
 * (`${__dirname}/redis-client`), so this helper knows no module above it.
 */
export function loadVendor<T>(name: string, source: string): T {
  const req = require; // indirect: bundlers must leave these calls alone
  const bundled = path.join(__dirname, 'vendor', `${name}.js`);
  return req(existsSync(bundled) ? bundled : source) as T;
}
