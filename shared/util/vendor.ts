import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Loads a heavy SDK wrapper on first use. The Alibaba Cloud SDKs and ioredis are
 * megabytes with their dependencies; in the function bundles they are separate files
 * under `vendor/` (scripts/build.mjs), so a cold start neither loads nor even parses
 * what the invocation does not use. From the TypeScript sources (tests) the wrapper
 * module is required directly.
 */
export function loadVendor<T>(name: 'fc3-client' | 'fc2-client' | 'sls-gateway' | 'sls-protobuf' | 'redis-client' | 'ram-client' | 'dingtalk-openapi' | 'nodemailer-client'): T {
  const req = require; // indirect: bundlers must leave these calls alone
  const bundled = path.join(__dirname, 'vendor', `${name}.js`);
  if (existsSync(bundled)) return req(bundled) as T;
  const source = { 'fc3-client': '../dispatch/fc3-client', 'fc2-client': '../dispatch/fc2-client', 'sls-gateway': '../sls/sls-gateway', 'sls-protobuf': '../sls/log-group', 'redis-client': '../state/redis-client', 'ram-client': '../posture/ram-client', 'dingtalk-openapi': '../delivery/channels/dingtalk-openapi', 'nodemailer-client': '../delivery/channels/nodemailer-client' }[name];
  return req(source) as T;
}
