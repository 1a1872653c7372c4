/** `cairn export openlineage`: OpenLineage run events as NDJSON on stdout or into a file. */
import { closeSync, openSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { ExitCode } from "../../cli/ExitCode.js";
import { exportRunIds, runEvents } from "../OpenLineage.js";
import { resolveRunId } from "../RunRef.js";
import { withStore } from "./openStore.js";

export const exportOpenLineageCommand = async (raw: Record<string, unknown>, storeOpt: string | undefined): Promise<number> => {
  const opts = raw as { run?: string; namespace?: string; output?: string };
  return withStore(storeOpt, ({ store, root }) => {
    const ids = opts.run === undefined ? exportRunIds(store.db) : [resolveRunId(store.db, opts.run)];
    // A file gets synchronous writes; stdout goes through process.stdout (fd 1 may be a non-blocking pipe).
    const fd = opts.output === undefined ? null : openSync(opts.output, "w");
    try {
      // One run at a time, so exporting thousands of runs never holds every event in memory.
      for (const id of ids) {
        const lines = runEvents(store.db, id, { namespace: opts.namespace ?? "cairn", root, hostname: hostname() }).map((e) => JSON.stringify(e));
        if (lines.length === 0) continue;
        const text = `${lines.join("\n")}\n`;
        if (fd === null) process.stdout.write(text);
        else writeSync(fd, text);
      }
    } finally {
      if (fd !== null) closeSync(fd);
    }
    return ExitCode.Ok;
  });
};
