// The end-to-end tests run the built CLI, as users do: build it once before the suites.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build.mjs'), '--quiet'], { stdio: 'inherit' });
};
