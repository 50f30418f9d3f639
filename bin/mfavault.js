#!/usr/bin/env node
// CommonJS on purpose: the ESM loader costs ~4 ms on every start, and `mfavault code` runs on every login.
require("../dist/mfavault.cjs");
