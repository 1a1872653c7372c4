#!/usr/bin/env node
// The cairn executable: runs the compiled CLI (dist/), never TypeScript sources, for start-up speed.
// It exits explicitly once the command is done: a user task that left a timer or socket open
// (say, a function task that ignored its timeout) must not keep the process alive.
import { main } from "../dist/src/cli/main.js";

const exit = (code) => {
  // stdout/stderr are pipes or files or TTYs: flushed synchronously on Linux, so exit after a tick.
  process.exitCode = code;
  setImmediate(() => process.exit(code));
};

main(process.argv.slice(2)).then(exit, (e) => {
  process.stderr.write(`cairn: internal error: ${e?.stack ?? e}\nPlease report this at https://github.com/cairn-ml/cairn/issues with the command you ran.\n`);
  exit(70);
});
