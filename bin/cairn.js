#!/usr/bin/env node
// The cairn executable: runs the compiled CLI, bundled into one module plus lazily loaded chunks
// (dist/src/cli-bundle.js, see the `bundle` script), never TypeScript sources: start-up speed.
import { main } from "../dist/src/cli-bundle.js";

/**
 * Ends with `code`. Normally the process exits by itself once the command is done (output is
 * flushed first, whatever stdout is). But a user task may have left a timer or socket open (say,
 * a function task that ignored its timeout): then, after a second, flush stdout and stderr and exit.
 */
const exit = (code) => {
  process.exitCode = code;
  const force = setTimeout(() => {
    process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
  }, 1000);
  force.unref();
};

main(process.argv.slice(2)).then(exit, (e) => {
  process.stderr.write(`cairn: internal error: ${e?.stack ?? e}\nPlease report this at https://github.com/cairn-ml/cairn/issues with the command you ran.\n`);
  exit(70);
});
