/**
 * Files cairn opens next to its own code (the loader hooks, the spawner and TUI host scripts,
 * package.json), located from `dist/src/`. Why not `new URL("./x.js", import.meta.url)` in each
 * module: the CLI runs from a bundle (dist/src/cli-bundle.js and its chunks, see the `bundle`
 * script), where every module's `import.meta.url` is the bundle's. This module sits in dist/src/
 * itself, so its own directory is dist/src/ bundled or not.
 */
const root = new URL("./", import.meta.url);

/** `rel` resolved against dist/src/ (e.g. "loader/hooks.js"). */
export const srcUrl = (rel: string): URL => new URL(rel, root);
