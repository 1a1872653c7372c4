/** Removes a run's scratch directory without making the user wait for thousands of unlinks. */
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { spawn } from "node:child_process";
import { basename, join } from "node:path";

/**
 * Moves `dir` into `trashDir` (instant, same filesystem) and deletes the trash in a detached
 * `rm -rf`, which outlives this process. Falls back to a synchronous delete where that fails.
 */
export const removeInBackground = (dir: string, trashDir: string): void => {
  if (!existsSync(dir)) return;
  try {
    mkdirSync(trashDir, { recursive: true });
    const target = join(trashDir, `${basename(dir)}-${process.pid}`);
    renameSync(dir, target);
    const child = spawn("rm", ["-rf", target], { detached: true, stdio: "ignore" });
    child.on("error", () => rmSync(target, { recursive: true, force: true }));
    child.unref();
  } catch {
    rmSync(dir, { recursive: true, force: true });
  }
};
