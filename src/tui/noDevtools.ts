/**
 * Stands in for `react-devtools-core` in the bundled TUI host (see the `bundle` script). Ink
 * imports it only when `DEV=true`, to connect React DevTools; the bundle resolves every import at
 * build time, and the real package is an optional dependency that is not installed.
 */
export default {
  connectToDevTools: (): void => {},
};
