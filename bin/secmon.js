#!/usr/bin/env node
'use strict';
// Launcher for the esbuild bundle; `npm run build` (or `npm test`/`npm run demo`) makes it.
let cli;
try {
  cli = require('../dist/cli.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).startsWith("Cannot find module '../dist/cli.js'")) {
    process.stderr.write('secmon: not built yet: run `npm run build` first\n');
    process.exit(2);
  }
  throw e;
}
cli.main(process.argv);
