// NO_COLOR: with it set the UI writes no colour escapes; without it, it does.
// chalk (used by Ink) decides its colour level at import time and sees no TTY under vitest, so
// FORCE_COLOR is set before any import: the "colours on" test proves the check can fail.
import { afterAll, describe, expect, it, vi } from "vitest";

vi.hoisted(() => {
  process.env["FORCE_COLOR"] = "3";
});

import { renderToString } from "ink";
import { App } from "../../src/tui/App.js";
import { colorsEnabled, themeFor } from "../../src/tui/Theme.js";
import { everyStatus, T0 } from "./states.js";
import { hasColourCodes } from "./terminal.js";

afterAll(() => {
  delete process.env["FORCE_COLOR"];
});


const screen = (colors?: boolean) => {
  const { state } = everyStatus();
  return renderToString(
    <App state={state} version={state.version} now={T0} onQuit={() => {}} colors={colors} size={{ columns: 80, rows: 24 }} />,
    { columns: 80 },
  );
};

describe("colours", () => {
  it("turns colours off when NO_COLOR is set to anything but the empty string", () => {
    expect(colorsEnabled({ NO_COLOR: "1" })).toBe(false);
    expect(colorsEnabled({ NO_COLOR: "true" })).toBe(false);
    expect(colorsEnabled({ NO_COLOR: "" })).toBe(true);
    expect(colorsEnabled({})).toBe(true);
  });

  it("maps every colour role to no colour in the colourless theme", () => {
    const theme = themeFor(false);
    for (const role of ["running", "failed", "succeeded", "accent", "error", "muted", "bar"] as const) {
      expect(theme.color(role)).toBeUndefined();
    }
    expect(themeFor(true).color("failed")).toBe("red");
  });

  it("writes colour escapes when colours are on", () => {
    expect(hasColourCodes(screen(true))).toBe(true);
  });

  it("writes no colour escapes under NO_COLOR, keeping every status symbol", () => {
    vi.stubEnv("NO_COLOR", "1");
    try {
      const text = screen();
      expect(hasColourCodes(text)).toBe(false);
      for (const symbol of ["◆", "✔", "✖", "↻", "○", "⊘", "↷", "·"]) expect(text).toContain(symbol);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("uses colours by default when NO_COLOR is absent", () => {
    vi.stubEnv("NO_COLOR", undefined);
    try {
      expect(hasColourCodes(screen())).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
