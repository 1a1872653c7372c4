#!/usr/bin/env node
// The cairn executable: runs the compiled CLI (dist/), never TypeScript sources, for start-up speed.
import { main } from "../dist/src/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`cairn: internal error: ${e?.stack ?? e}\nPlease report this at https://github.com/cairn-ml/cairn/issues with the command you ran.\n`);
    process.exitCode = 70;
  },
);
