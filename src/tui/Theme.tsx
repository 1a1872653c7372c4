/**
 * Colours of the terminal UI, and their absence: with `NO_COLOR` set (https://no-color.org) every
 * role maps to no colour, and the status symbols alone carry the meaning.
 */
import { createContext, useContext } from "react";
import type { TaskStatus } from "../events/RunState.js";

/** What a colour is used for; components ask for a role, never for a colour name. */
export type ColorRole = TaskStatus | "accent" | "error" | "muted" | "bar";

export interface Theme {
  /** An Ink colour name for the role, or undefined when colours are off. */
  readonly color: (role: ColorRole) => string | undefined;
  readonly colors: boolean;
}

const palette: Record<ColorRole, string> = {
  pending: "gray",
  queued: "gray",
  running: "cyan",
  retrying: "yellow",
  cached: "blue",
  succeeded: "green",
  failed: "red",
  cancelled: "gray",
  skipped: "gray",
  accent: "magenta",
  error: "red",
  muted: "gray",
  bar: "green",
};

/** The colour theme, or the colourless one. */
export const themeFor = (colors: boolean): Theme => ({
  colors,
  color: colors ? (role) => palette[role] : () => undefined,
});

/** False when `NO_COLOR` is present and not empty, as no-color.org specifies. */
export const colorsEnabled = (env: Readonly<Record<string, string | undefined>> = process.env): boolean =>
  !(env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "");

/** Provided by App from its `colors` prop (or NO_COLOR); components read it with `useTheme`. */
export const ThemeContext = createContext<Theme>(themeFor(true));

/** The theme App provides (colours on outside an App). */
export const useTheme = (): Theme => useContext(ThemeContext);
