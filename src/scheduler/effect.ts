/**
 * The parts of Effect the scheduler uses, in one module, as the namespaces the code reads
 * (`Effect.gen`, `Fiber.interrupt`). The build bundles this file; naming each function (rather
 * than `export * as Effect`) lets the bundler drop the rest of Effect: 519 → 340 KB, and the
 * scheduler loads in ≈20 ms instead of ≈32 ms when a run has something to execute. Add a function
 * here when the scheduler starts using it.
 */
import {
  catchAll, catchAllDefect, ensuring, fail, forEach, gen, matchEffect, onInterrupt, runPromiseExit, runtime, sleep, sync,
  tapDefect, timeoutFail, tryPromise, zipRight,
} from "effect/Effect";
import { await as awaitDeferred, make as makeDeferred, unsafeDone } from "effect/Deferred";
import { millis } from "effect/Duration";
import { die, isFailure, void as voidExit } from "effect/Exit";
import { isInterruptedOnly, squash } from "effect/Cause";
import { interrupt } from "effect/Fiber";
import { runFork } from "effect/Runtime";

export const Effect = {
  catchAll, catchAllDefect, ensuring, fail, forEach, gen, matchEffect, onInterrupt, runPromiseExit, runtime, sleep, sync,
  tapDefect, timeoutFail, tryPromise, zipRight,
} as const;
export declare namespace Effect {
  export type Effect<A, E = never, R = never> = import("effect/Effect").Effect<A, E, R>;
}

export const Deferred = { await: awaitDeferred, make: makeDeferred, unsafeDone } as const;
export const Duration = { millis } as const;
export const Exit = { die, isFailure, void: voidExit } as const;
export const Cause = { isInterruptedOnly, squash } as const;

export const Fiber = { interrupt } as const;
export declare namespace Fiber {
  export type RuntimeFiber<A, E = never> = import("effect/Fiber").RuntimeFiber<A, E>;
}

export const Runtime = { runFork } as const;
