/** `cairn run --watch` (being built in this session; see issue 3). */
import type { RunOptions } from "../engine/RunContext.js";
import { ExitCode } from "../cli/ExitCode.js";

export const watchCommand = async (_options: RunOptions, _ui: "tui" | "plain" | "json"): Promise<number> => {
  process.stderr.write("error: --watch is not available in this build yet\n");
  return ExitCode.Usage;
};
