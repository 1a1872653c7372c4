/** Retry policies: how many attempts, and how long to wait between them (pure, for testing). */
import type { RetrySpec } from "../dsl/Task.js";
import { parseDuration } from "../dsl/Duration.js";

export interface RetryPolicy {
  /** Total attempts including the first. */
  readonly attempts: number;
  readonly backoff: "exponential" | "fixed";
  readonly baseMs: number;
  readonly maxDelayMs: number;
}

export const NO_RETRY: RetryPolicy = { attempts: 1, backoff: "exponential", baseMs: 1000, maxDelayMs: 60_000 };

const ms = (d: string | number | undefined, fallback: number): number => {
  if (d === undefined) return fallback;
  const v = parseDuration(d);
  return typeof v === "number" ? v : fallback;
};

/** Normalises a task's `retry` option (validated earlier by the graph). */
export const retryPolicy = (spec: RetrySpec | number | undefined): RetryPolicy => {
  if (spec === undefined) return NO_RETRY;
  const s = typeof spec === "number" ? { attempts: spec } : spec;
  return {
    attempts: Math.max(1, Math.floor(s.attempts)),
    backoff: s.backoff ?? "exponential",
    baseMs: ms(s.delay, 1000),
    maxDelayMs: ms(s.maxDelay, 60_000),
  };
};

/**
 * The delay before attempt `failedAttempt + 1`. Exponential backoff uses "full jitter"
 * (uniform in [0, min(max, base·2^(n-1))]): it spreads retries of many tasks that failed together
 * — e.g. when a shared service blipped — instead of retrying them in lockstep.
 */
export const retryDelayMs = (p: RetryPolicy, failedAttempt: number, random: () => number = Math.random): number => {
  if (p.backoff === "fixed") return Math.min(p.baseMs, p.maxDelayMs);
  const cap = Math.min(p.maxDelayMs, p.baseMs * 2 ** Math.max(0, failedAttempt - 1));
  return Math.floor(random() * cap);
};

/** Whether an error may be retried: executors mark permanent faults `retryable: false`. */
export const isRetryable = (e: unknown): boolean => (e as { retryable?: boolean })?.retryable !== false;
