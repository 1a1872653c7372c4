/**
 * Why a task ran, in the words `cairn explain` uses: "code changed", "input changed", "forced", …
 */
import type { RunReason } from "../events/RunEvent.js";

/** Labels of the changed fingerprint ingredients (see the Fingerprint in DESIGN.md). */
const ingredientLabels: Record<string, string> = {
  code: "code changed",
  inputs: "input changed",
  params: "params changed",
  deps: "dep changed",
  env: "env changed",
  executor: "executor changed",
  dependencies: "packages changed",
  keyVersion: "cache key format changed",
};

/**
 * One short label for a reason. Several changed ingredients show the first and how many more
 * ("code changed +2"); the row's detail view lists them all.
 */
export const reasonLabel = (reason: RunReason): string => {
  switch (reason.kind) {
    case "new":
      return "new";
    case "forced":
      return "forced";
    case "no-cache":
      return "no cache";
    case "heal":
      return "outputs missing";
    case "changed": {
      const changed = reason.changed ?? [];
      const first = changed[0];
      if (first === undefined) return "changed";
      const label = ingredientLabels[first] ?? `${first} changed`;
      return changed.length > 1 ? `${label} +${changed.length - 1}` : label;
    }
    default: {
      const unknown: never = reason.kind;
      return String(unknown);
    }
  }
};

/** Every changed ingredient spelled out, with the reason's detail line: for the task detail view. */
export const reasonDetail = (reason: RunReason): string => {
  const parts =
    reason.kind === "changed" && (reason.changed?.length ?? 0) > 1
      ? (reason.changed ?? []).map((c) => ingredientLabels[c] ?? `${c} changed`).join(", ")
      : reasonLabel(reason);
  return reason.detail ? `${parts}: ${reason.detail}` : parts;
};
