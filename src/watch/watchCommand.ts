/** `cairn run --watch`: the watch loop with a reporter, `q` to quit (exit 0), Ctrl-C (exit 130). */
import { EventBus } from "../events/EventBus.js";
import { runFlow } from "../engine/Engine.js";
import type { RunOptions } from "../engine/RunContext.js";
import { projectPaths } from "../cli/Project.js";
import { startPlainReporter } from "../reporters/PlainReporter.js";
import { startJsonReporter } from "../reporters/JsonReporter.js";
import { renderError } from "../cli/renderError.js";
import { ExitCode } from "../cli/ExitCode.js";
import { WatchLoop, type WatchStatus } from "./WatchLoop.js";

export const watchCommand = async (options: RunOptions, ui: "tui" | "plain" | "json"): Promise<number> => {
  const bus = new EventBus();
  const paths = projectPaths({ flowFile: options.flowFile, ...(options.store ? { store: options.store } : {}) });
  const write = (s: string) => void process.stdout.write(s);
  let exitCode: number = ExitCode.Ok;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let loop: WatchLoop | undefined;
  let tui: { setWatchStatus(s: WatchStatus & { phase?: string; problem?: string }): void; stop(): Promise<void> } | undefined;
  let lastStatus: WatchStatus | undefined;
  let problem: string | undefined;
  const quit = (code: number) => {
    exitCode = code;
    resolveDone();
  };

  if (ui === "json") startJsonReporter(bus, write);
  else if (ui === "tui") {
    const { startTuiReporter } = await import("../reporters/TuiReporter.js");
    tui = startTuiReporter({ bus, onQuit: () => quit(ExitCode.Ok), onForceRerun: (t: string) => loop?.forceRerun(t) }) as typeof tui;
  } else startPlainReporter(bus, write);

  let lastPrinted = "";
  loop = new WatchLoop(
    {
      run: options,
      execute: async (o) => {
        const summary = await runFlow(o, bus);
        problem = undefined;
        return summary;
      },
      onStatus: (s) => {
        lastStatus = s;
        tui?.setWatchStatus({ ...s, phase: s.state, ...(problem ? { problem } : {}) });
        if (ui === "plain") {
          const line = s.state === "idle" ? `watching ${s.filesWatched} files${s.lastChange ? ` — last change ${s.lastChange.path}` : ""} (q to quit)` : "";
          if (line && line !== lastPrinted) write(`${line}\n`);
          lastPrinted = line;
        } else if (ui === "json") write(`${JSON.stringify({ type: "WatchStatus", ...s })}\n`);
      },
      onError: (e) => {
        // A broken flow (syntax, validation, missing input) is shown; watching goes on.
        if (ui === "tui") {
          let text = "";
          renderError(e, (s) => void (text += s));
          problem = text.trim();
          if (lastStatus) tui?.setWatchStatus({ ...lastStatus, phase: lastStatus.state, problem });
        }
        else if (ui === "json") write(`${JSON.stringify({ type: "WatchError", error: (e as { _tag?: string })._tag ?? "Error", message: e instanceof Error ? e.message : String(e) })}\n`);
        else renderError(e, write);
      },
    },
    paths.store,
  );

  const onSigint = () => quit(ExitCode.Interrupted);
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  const stdin = process.stdin;
  const onKey = (b: Buffer) => {
    const k = b.toString();
    if (k === "q") quit(ExitCode.Ok);
    if (k === "\u0003") quit(ExitCode.Interrupted);
  };
  if (ui !== "tui" && stdin.isTTY) {
    stdin.setRawMode(true);
    stdin.on("data", onKey);
  } else if (ui !== "tui") {
    // Piped stdin: a line "q" quits too (used by scripts and tests).
    stdin.on("data", (b: Buffer) => (b.toString().trim() === "q" ? quit(ExitCode.Ok) : undefined));
  }
  await loop.start();
  await done;
  await loop.stop();
  await tui?.stop();
  process.off("SIGINT", onSigint);
  process.off("SIGTERM", onSigint);
  if (stdin.isTTY && ui !== "tui") stdin.setRawMode(false);
  stdin.pause();
  stdin.unref?.();
  return exitCode;
};
