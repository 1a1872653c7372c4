// The default reporter and the CI markers: a TTY gets the TUI unless CI is set (Ink would draw
// nothing but the last frame there); the TUI host is started without the markers.
import { describe, expect, it } from "vitest";
import { defaultUi, isCi, withoutCiMarkers } from "../../src/tui/ciEnvironment.js";

describe("CI markers", () => {
  it("count as set unless empty of meaning (0 or false), like is-in-ci", () => {
    expect(isCi({})).toBe(false);
    expect(isCi({ CI: "1" })).toBe(true);
    expect(isCi({ CI: "true" })).toBe(true);
    expect(isCi({ CI: "" })).toBe(true);
    expect(isCi({ CI: "0" })).toBe(false);
    expect(isCi({ CI: "false" })).toBe(false);
    expect(isCi({ CONTINUOUS_INTEGRATION: "yes" })).toBe(true);
  });

  it("choose the TUI only for a terminal outside CI", () => {
    expect(defaultUi(true, {})).toBe("tui");
    expect(defaultUi(true, { CI: "1" })).toBe("plain");
    expect(defaultUi(false, {})).toBe("plain");
  });

  it("are removed from the environment the TUI host gets, and nothing else is", () => {
    const env = { CI: "1", CONTINUOUS_INTEGRATION: "1", PATH: "/bin", NO_COLOR: "1" };
    expect(withoutCiMarkers(env)).toEqual({ PATH: "/bin", NO_COLOR: "1" });
    expect(env.CI).toBe("1");
  });
});
