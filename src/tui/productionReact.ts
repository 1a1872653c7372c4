/**
 * Makes React load its production build for the TUI. React (and react-reconciler) pick their build
 * from NODE_ENV when first loaded; the development build measured 2–3× slower per frame.
 */

/**
 * Sets `NODE_ENV=production` in `env` if it is unset and returns a function that unsets it again,
 * so user tasks running in this process later see the environment they were started with. An
 * explicit NODE_ENV (e.g. "development" while working on cairn) is left alone.
 */
export const preferProductionBuild = (env: Record<string, string | undefined>): (() => void) => {
  if (env["NODE_ENV"] !== undefined) return () => {};
  env["NODE_ENV"] = "production";
  return () => {
    delete env["NODE_ENV"];
  };
};

/**
 * Imported first by the TuiReporter, before react and ink: ES modules evaluate their imports in
 * order, so React reads the variable set here. The reporter calls this once its imports are done.
 */
export const restoreNodeEnv = preferProductionBuild(process.env);
