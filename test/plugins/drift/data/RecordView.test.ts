/** parseDecimalBytes must agree with Number() bit for bit whenever it answers, and defer otherwise. */
import { describe, expect, it } from "vitest";
import { parseDecimalBytes } from "../../../../plugins/drift/data/RecordView.js";

const parse = (s: string) => {
  const b = Buffer.from(`x${s}y`);
  return parseDecimalBytes(b, 1, b.length - 1);
};

describe("parseDecimalBytes", () => {
  it("gives exactly Number()'s value for plain decimals of every shape", () => {
    const samples = ["0", "-0", "7", "+7", "0.1", ".5", "5.", "-12.250", "007.5", "123456789012345", "0.000000000000001", "1e5", "2.5E-3", "-9.99e+21", "1e22", "3e-22"];
    let x = 99;
    for (let i = 0; i < 5000; i++) {
      x = (x * 16807) % 2147483647;
      const v = (x / 2147483647 - 0.5) * 10 ** ((i % 13) - 4);
      samples.push(v.toFixed(i % 9), v.toPrecision((i % 15) + 1), v.toExponential(i % 14));
    }
    for (const s of samples) {
      const got = parse(s);
      if (!Number.isNaN(got)) expect(Object.is(got, Number(s)), s).toBe(true);
    }
    expect(samples.filter((s) => Number.isNaN(parse(s))).length).toBeLessThan(samples.length / 10);
  });

  it("defers (NaN) on anything that is not a plain decimal, so the text path decides", () => {
    for (const s of ["", " 1", "1 ", "NA", "0x1f", "1e", "1e+", "-", ".", "1.2.3", "1,5", "Infinity", "1234567890123456", "1e99999", "1e23"]) {
      expect(parse(s), s).toBeNaN();
    }
  });
});
