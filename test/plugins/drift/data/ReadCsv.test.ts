/** CSV loading into columns: quoting, types, missing values and every bad-input error, on real files. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { readCsv, type Dataset, type NumberColumn, type StringColumn } from "../../../../plugins/drift/index.js";
import { CsvTokenizer } from "../../../../plugins/drift/data/CsvTokenizer.js";

const dir = mkdtempSync(join(tmpdir(), "cairn-drift-csv-"));
let counter = 0;
const csvFile = (text: string | Buffer): string => {
  const path = join(dir, `f${counter++}.csv`);
  writeFileSync(path, text);
  return path;
};
const col = (d: Dataset, name: string) => d.columns.find((c) => c.name === name)!;
const strings = (d: Dataset, name: string) => {
  const c = col(d, name) as StringColumn;
  return [...c.codes].map((k) => (k < 0 ? null : c.dictionary[k]));
};

const TRICKY = '\ufeffid,name,note\r\n1,"Smith, J.","said ""hi"""\r\n2,Ünïcødé,"two\nlines"\r\n\r\n3,plain,\r\n';

describe("readCsv", () => {
  it("reads quoted delimiters, doubled quotes, embedded newlines, CRLF, a BOM and skips blank lines", async () => {
    const d = await readCsv(csvFile(TRICKY));
    expect(d.rowCount).toBe(3);
    expect(d.columns.map((c) => [c.name, c.type])).toEqual([["id", "number"], ["name", "string"], ["note", "string"]]);
    expect(strings(d, "name")).toEqual(["Smith, J.", "Ünïcødé", "plain"]);
    expect(strings(d, "note")).toEqual(['said "hi"', "two\nlines", null]);
  });

  it("tokenizes exactly like csv-parse however the bytes are split into chunks", () => {
    const bytes = Buffer.from(TRICKY);
    const expected = (parse(bytes, { skip_empty_lines: true, bom: true }) as string[][]).map((r) => r.join("|"));
    for (const size of [1, 2, 3, 7, bytes.length]) {
      const got: string[] = [];
      const t = new CsvTokenizer("mem", (record) => got.push(record.toArray().join("|")));
      for (let i = 0; i < bytes.length; i += size) t.push(bytes.subarray(i, i + size));
      t.end();
      expect(got, `chunks of ${size}`).toEqual(expected);
    }
  });

  it("gives the same dataset with the csv-parse engine", async () => {
    const path = csvFile(TRICKY);
    expect(await readCsv(path, { parser: "csv-parse" })).toEqual(await readCsv(path));
  });

  it("infers number, boolean and string columns and keeps typed arrays for numbers", async () => {
    const d = await readCsv(csvFile("a,b,c\n1.5,true,x\n-2e3,FALSE,7\n,true,y\n"));
    expect(d.columns.map((c) => c.type)).toEqual(["number", "boolean", "string"]);
    const a = col(d, "a") as NumberColumn;
    expect(a.values).toBeInstanceOf(Float64Array);
    expect([...a.values]).toEqual([1.5, -2000, Number.NaN]);
    expect(a.missing).toBe(1);
    expect(a.missingRows).toEqual([3]);
  });

  it("reads quoted and space-padded numbers in a numeric column through the text path", async () => {
    const d = await readCsv(csvFile('v\n"1.5"\n 2 \n3e2\n12345678901234567\n'));
    expect([...(col(d, "v") as NumberColumn).values]).toEqual([1.5, 2, 300, 12345678901234567]);
  });

  it("counts missing-value tokens and lets declared types override inference", async () => {
    const d = await readCsv(csvFile("zip,v\n02134,NA\n10001,null\n94105,3\n"), { types: { zip: "string" } });
    expect(strings(d, "zip")).toEqual(["02134", "10001", "94105"]);
    expect((col(d, "v") as NumberColumn).missing).toBe(2);
    const custom = await readCsv(csvFile("v\n-999\n4\n"), { missing: ["-999"] });
    expect((col(custom, "v") as NumberColumn).missing).toBe(1);
  });

  it("fails on non-numeric values in a numeric column with their count and example rows", async () => {
    const path = csvFile("x,y\n1,a\nabc,b\n3,c\n4..5,d\n");
    await expect(readCsv(path, { types: { x: "number" } })).rejects.toMatchObject({
      _tag: "InvalidValuesError",
      columns: [{ column: "x", invalid: { count: 2, examples: [{ row: 2, value: "abc" }, { row: 4, value: "4..5" }] } }],
    });
    await expect(readCsv(path, { types: { x: "number" } })).rejects.toThrow(/column "x" \(number\): 2 value\(s\) not of that type, e.g. row 2: "abc", row 4: "4..5"/);
  });

  it("treats a value that breaks the type inferred from the first rows as invalid", async () => {
    await expect(readCsv(csvFile("x\n1\n2\n3\nn/a?\n"), { inferRows: 2 })).rejects.toThrow(/row 4: "n\/a\?"/);
    const collected = await readCsv(csvFile("x\n1\n2\n3\nhex\n"), { inferRows: 2, onInvalid: "collect" });
    expect((col(collected, "x") as NumberColumn).invalid.count).toBe(1);
  });

  it("names the line of a row with the wrong number of fields", async () => {
    await expect(readCsv(csvFile("a,b\n1,2\n3,4\n5\n"))).rejects.toMatchObject({ _tag: "DataFormatError", line: 4 });
    await expect(readCsv(csvFile("a,b\n1,2\n3,4,5\n"))).rejects.toThrow(/line 3: 3 field\(s\), but the header has 2/);
  });

  it("counts lines inside quoted fields when naming a malformed line", async () => {
    await expect(readCsv(csvFile('a,b\n1,"x\ny"\n2\n'))).rejects.toMatchObject({ line: 4 });
    await expect(readCsv(csvFile('a,b\n1,"x\ny"\n2\n'), { parser: "csv-parse" })).rejects.toMatchObject({ _tag: "DataFormatError" });
  });

  it("reports an unterminated quote and a stray quote with their lines", async () => {
    await expect(readCsv(csvFile('a,b\n1,2\n3,"open\n'))).rejects.toThrow(/line 3: a quoted field is never closed/);
    await expect(readCsv(csvFile('a,b\n1,ab"c\n'))).rejects.toThrow(/line 2: a quote inside an unquoted field/);
    await expect(readCsv(csvFile('a,b\n1,"ab"c\n'))).rejects.toThrow(/line 2: unexpected character "c" after a closing quote/);
  });

  it("refuses an empty file and a header without rows unless empty data is allowed", async () => {
    await expect(readCsv(csvFile(""))).rejects.toMatchObject({ _tag: "EmptyDatasetError" });
    await expect(readCsv(csvFile("a,b\n"))).rejects.toThrow(/header has no data rows/);
    expect((await readCsv(csvFile("a,b\n"), { allowEmpty: true })).rowCount).toBe(0);
  });

  it("rejects duplicate and empty header names", async () => {
    await expect(readCsv(csvFile("a,a\n1,2\n"))).rejects.toThrow(/header names column "a" twice/);
    await expect(readCsv(csvFile("a,\n1,2\n"))).rejects.toThrow(/header column 2 has no name/);
  });

  it("reads a file larger than one read chunk without losing rows at chunk boundaries", async () => {
    const rows = 60_000;
    const lines = ["i,label,x"];
    for (let i = 0; i < rows; i++) lines.push(`${i},"lab,${i % 7}",${(i * 0.37).toFixed(2)}`);
    const d = await readCsv(csvFile(lines.join("\n")));
    expect(d.rowCount).toBe(rows);
    const i = col(d, "i") as NumberColumn;
    expect(i.values.every((v, k) => v === k)).toBe(true);
    expect(new Set(strings(d, "label")).size).toBe(7);
  });
});
