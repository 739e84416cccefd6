#!/usr/bin/env node
// The `xeno86` command. This file is in the repository (not built) so that
// npm can link it when a fresh clone is installed, before the build has run.
import("../dist/bin.js").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/bin.js")) {
    process.stderr.write("xeno86: the CLI is not built yet; run `npm run build` in the repository (npm install does it)\n");
    process.exitCode = 70;
    return;
  }
  throw error;
});
