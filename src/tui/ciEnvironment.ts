/**
 * CI markers in the environment. Ink (through `is-in-ci`) draws nothing but the last frame when
 * `CI` or `CONTINUOUS_INTEGRATION` is set, so a TUI started under them would sit blank for the
 * whole run. cairn therefore picks the plain reporter by default under CI, and when the user asks
 * for the TUI anyway (`--ui tui`), the TUI host process is started without the markers.
 */

const MARKERS = ["CI", "CONTINUOUS_INTEGRATION"] as const;

/** The same rule as `is-in-ci`: set, and not "0" or "false". */
export const isCi = (env: NodeJS.ProcessEnv): boolean =>
  MARKERS.some((key) => {
    const value = env[key];
    return value !== undefined && value !== "0" && value !== "false";
  });

/** A copy of `env` without the CI markers, for the process that runs Ink. */
export const withoutCiMarkers = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const copy = { ...env };
  for (const key of MARKERS) delete copy[key];
  return copy;
};

/** The reporter a run uses when `--ui` is not given. */
export const defaultUi = (stdoutIsTty: boolean, env: NodeJS.ProcessEnv): "tui" | "plain" =>
  stdoutIsTty && !isCi(env) ? "tui" : "plain";
