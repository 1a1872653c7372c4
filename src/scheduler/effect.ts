/**
 * The parts of Effect the scheduler uses, in one module. The build bundles this file (tree-shaken,
 * one module instead of hundreds), which cuts Effect's import from ~350 to ~150 ms on a loaded
 * machine; tests import the real package through it.
 */
export * as Effect from "effect/Effect";
export * as Deferred from "effect/Deferred";
export * as Duration from "effect/Duration";
export * as Exit from "effect/Exit";
export * as Cause from "effect/Cause";
export * as Fiber from "effect/Fiber";
export * as Runtime from "effect/Runtime";
