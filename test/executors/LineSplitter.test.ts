// Lines out of a byte stream: chunk boundaries anywhere, even inside a UTF-8 character.
import { describe, expect, it } from "vitest";
import { LineSplitter } from "../../src/executors/LineSplitter.js";

const split = (chunks: Buffer[]): string[] => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  for (const c of chunks) s.push(c);
  s.end();
  return lines;
};

describe("LineSplitter", () => {
  it("keeps a multi-byte character whole when a chunk ends in its middle", () => {
    const bytes = Buffer.from("accuracy ≥ 0.9 ✓\nnext\n", "utf8");
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(split([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(["accuracy ≥ 0.9 ✓", "next"]);
    }
  });

  it("drops the CR of CRLF output and emits a last unterminated line at the end", () => {
    expect(split([Buffer.from("a\r\nb\r\nc")])).toEqual(["a", "b", "c"]);
  });

  it("emits empty lines but no phantom line after a final newline", () => {
    expect(split([Buffer.from("a\n\nb\n")])).toEqual(["a", "", "b"]);
  });
});
