/**
 * Delivers run events to every subscriber, synchronously and in order. Why not an Effect PubSub:
 * the no-op path (everything cached) must not load Effect at all (≈120 ms of start-up), and
 * synchronous delivery keeps the lineage writer's commit ahead of the reporter's line.
 */
import type { RunEvent } from "./RunEvent.js";

export type Subscriber = (event: RunEvent) => void;

export class EventBus {
  private readonly subscribers: Subscriber[] = [];

  /** Adds a subscriber; returns a function that removes it. */
  subscribe(s: Subscriber): () => void {
    this.subscribers.push(s);
    return () => {
      const i = this.subscribers.indexOf(s);
      if (i >= 0) this.subscribers.splice(i, 1);
    };
  }

  publish(event: RunEvent): void {
    for (const s of this.subscribers) s(event);
  }
}
