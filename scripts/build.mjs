// Bundles the CLI, each Function Compute function and the bench with esbuild.
// One self-contained file per entry keeps FC cold starts small: nothing is resolved
// from node_modules at start-up, and what a function does not import is not shipped.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const entries = [
  { in: 'cli/main.ts', out: 'cli' },
  { in: 'bench/bench.ts', out: 'bench' },
  { in: 'bench/cluster.ts', out: 'bench-cluster' },
  { in: 'scripts/rules-manifest.ts', out: 'rules-manifest' },
];
const functionsDir = join(root, 'functions');
if (existsSync(functionsDir)) {
  for (const name of readdirSync(functionsDir)) {
    const entry = join('functions', name, 'index.ts');
    if (existsSync(join(root, entry))) entries.push({ in: entry, out: `functions/${name}/index` });
  }
}

const started = Date.now();
rmSync(join(root, 'dist'), { recursive: true, force: true });
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  // Prefer ES module builds: some packages (jsonc-parser) ship a UMD main that esbuild cannot follow.
  mainFields: ['module', 'main'],
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { SECMON_VERSION: JSON.stringify(pkg.version) },
  // Native lz4-napi cannot be bundled: a lazy stand-in loads it only if ever needed.
  alias: { 'lz4-napi': './shared/fc/sls/lz4-lazy.js' },
  // Optional peers of @alicloud/fc2's dependencies (ali-oss → urllib) that secmon never reaches.
  external: ['proxy-agent'],
};
await build({ ...common, entryPoints: entries, outdir: 'dist' });
// The SDKs and ioredis in files of their own (shared/util/vendor.ts): a cold start does not parse them.
await build({
  ...common,
  entryPoints: [
    { in: 'shared/fc/handoff/fc3-client.ts', out: 'fc3-client' },
    { in: 'shared/fc/handoff/fc2-client.ts', out: 'fc2-client' },
    { in: 'shared/fc/sls/sls-gateway.ts', out: 'sls-gateway' },
    { in: 'shared/fc/sls/log-group.ts', out: 'sls-protobuf' },
    { in: 'shared/state/redis-client.ts', out: 'redis-client' },
    { in: 'shared/posture/clients.ts', out: 'posture-clients' },
    { in: 'shared/delivery/channels/dingtalk-openapi.ts', out: 'dingtalk-openapi' },
    { in: 'shared/delivery/channels/nodemailer-client.ts', out: 'nodemailer-client' },
    { in: 'shared/fc/kms-client.ts', out: 'kms-client' },
    { in: 'shared/util/ajv-vendor.ts', out: 'ajv' },
    { in: 'shared/util/re2-vendor.ts', out: 're2' },
  ],
  outdir: 'dist/vendor',
  sourcemap: false,
});
// The bundled rules, validated once here: the bundles trust the files whose digests the
// manifest lists and skip compiling the rule schema at start-up (shared/rules/bundled.ts).
const manifest = join(root, 'dist', 'rules.validated.json');
execFileSync(process.execPath, [join(root, 'dist', 'rules-manifest.js'), manifest], { stdio: 'inherit' });
// The vendor files each function can load: the state store, KMS secrets and RE2 (for the rules) for all;
// the hand-off clients and, for SECMON_DISPATCH=inline, the channels' SDKs for the
// detectors; SLS for the SLS trigger, the RAM, IMS and ECS clients for the posture scan.
const detector = ['redis-client', 'kms-client', 'fc3-client', 'fc2-client', 'dingtalk-openapi', 'nodemailer-client', 'ajv', 're2'];
const VENDOR_FILES = {
  actiontrail: detector,
  sls: [...detector, 'sls-gateway', 'sls-protobuf'],
  posture: [...detector, 'posture-clients'],
  dispatcher: ['redis-client', 'kms-client', 'dingtalk-openapi', 'nodemailer-client', 'ajv', 're2'],
};
// Each function carries the bundled rules and its vendor files beside its bundle.
for (const e of entries.filter((x) => x.out.startsWith('functions/'))) {
  const dir = join(root, 'dist', e.out, '..');
  const name = e.out.split('/')[1];
  if (!VENDOR_FILES[name]) throw new Error(`scripts/build.mjs: no vendor files listed for function ${name}`);
  cpSync(join(root, 'rules'), join(dir, 'rules'), { recursive: true });
  cpSync(manifest, join(dir, 'rules.validated.json'));
  mkdirSync(join(dir, 'vendor'), { recursive: true });
  for (const v of VENDOR_FILES[name]) cpSync(join(root, 'dist', 'vendor', `${v}.js`), join(dir, 'vendor', `${v}.js`));
  // A dispatch configuration at the project root travels with the functions (SECMON_DISPATCH_CONFIG=dispatch.json).
  if (existsSync(join(root, 'dispatch.json'))) cpSync(join(root, 'dispatch.json'), join(dir, 'dispatch.json'));
}
if (!process.argv.includes('--quiet')) {
  console.error(`built ${entries.length} bundle(s) in ${Date.now() - started} ms: ${entries.map((e) => `dist/${e.out}.js`).join(', ')}`);
}
