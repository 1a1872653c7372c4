/** `--json`: every event as one line of JSON (NDJSON), exactly as published (docs/events.md). */
import type { EventBus } from "../events/EventBus.js";

export const startJsonReporter = (bus: EventBus, write: (s: string) => void): (() => void) =>
  bus.subscribe((e) => write(`${JSON.stringify(e)}\n`));
