// The TUI asks for React's production build only when NODE_ENV is unset, and undoes it after.
import { describe, expect, it } from "vitest";
import { preferProductionBuild } from "../../src/tui/productionReact.js";

describe("preferProductionBuild", () => {
  it("sets NODE_ENV to production while React loads, then removes it again", () => {
    const env: Record<string, string | undefined> = {};
    const restore = preferProductionBuild(env);
    expect(env["NODE_ENV"]).toBe("production");
    restore();
    expect("NODE_ENV" in env).toBe(false);
  });

  it("leaves an explicit NODE_ENV alone", () => {
    const env: Record<string, string | undefined> = { NODE_ENV: "development" };
    preferProductionBuild(env)();
    expect(env["NODE_ENV"]).toBe("development");
  });
});
