#!/usr/bin/env node
'use strict';
// The `clusterdeck` command: runs the CLI that `npm run build` puts in out/main/cli.js.
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', '..', 'out', 'main', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('clusterdeck: not built yet. Run `npm run build` in ' + path.resolve(__dirname, '..', '..') + '\n');
  process.exit(2);
}
require('./compile-cache.cjs').install(path.dirname(cli));
require(cli).run();
