/** JSON-lines files and upstream arrays of records as datasets, and loading from task outputs. */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { datasetFromRecords, loadData, readJsonLines, type NumberColumn } from "../../../../plugins/drift/index.js";

const dir = mkdtempSync(join(tmpdir(), "cairn-drift-jsonl-"));
let counter = 0;
const file = (name: string, text: string): string => {
  const path = join(dir, `${counter++}-${name}`);
  writeFileSync(path, text);
  return path;
};

describe("readJsonLines", () => {
  it("reads objects into typed columns, with null and absent keys counted as missing", async () => {
    const d = await readJsonLines(file("a.jsonl", '{"x":1,"s":"a","b":true}\n\n{"x":null,"s":"b"}\n{"x":2.5,"s":"a","b":false}\n'));
    expect(d.rowCount).toBe(3);
    expect(d.columns.map((c) => [c.name, c.type, c.missing])).toEqual([["x", "number", 1], ["s", "string", 0], ["b", "boolean", 1]]);
    expect([...(d.columns[0] as NumberColumn).values]).toEqual([1, Number.NaN, 2.5]);
  });

  it("names the line of invalid JSON and of a non-object record", async () => {
    await expect(readJsonLines(file("b.jsonl", '{"x":1}\n{"x":\n'))).rejects.toThrow(/line 2: not valid JSON/);
    await expect(readJsonLines(file("c.jsonl", '{"x":1}\n[1,2]\n'))).rejects.toThrow(/line 2: expected a JSON object/);
  });

  it("refuses a key first seen after the inference rows instead of dropping it", async () => {
    await expect(readJsonLines(file("d.jsonl", '{"x":1}\n{"x":2}\n{"x":3,"y":4}\n'), { inferRows: 2 })).rejects.toThrow(
      /line 3: key "y" did not occur in the first 2 records; declare it in types/,
    );
  });

  it("counts strings in a numeric column as invalid values with examples", async () => {
    await expect(readJsonLines(file("e.jsonl", '{"x":1}\n{"x":"many"}\n'), { types: { x: "number" } })).rejects.toThrow(/row 2: "many"/);
  });
});

describe("loadData", () => {
  it("reads an upstream output directory holding one data file", async () => {
    const out = join(dir, "out1");
    mkdirSync(out);
    writeFileSync(join(out, "data.csv"), "a\n1\n2\n");
    writeFileSync(join(out, "notes.txt"), "not data");
    expect((await loadData({ path: out }, "task extract")).rowCount).toBe(2);
  });

  it("asks which file to read when an output directory holds several", async () => {
    const out = join(dir, "out2");
    mkdirSync(out);
    writeFileSync(join(out, "a.csv"), "a\n1\n");
    writeFileSync(join(out, "b.jsonl"), '{"a":1}\n');
    await expect(loadData({ path: out }, "task extract")).rejects.toThrow(/several data files \(a.csv, b.jsonl\); pass file/);
    expect((await loadData({ path: out }, "task extract", { file: "b.jsonl" })).rowCount).toBe(1);
  });

  it("builds a dataset from an upstream array of records", async () => {
    const d = await loadData([{ a: 1, b: "x" }, { a: 2, b: "y" }], "task extract");
    expect(d.source).toBe("task extract");
    expect(d.columns.map((c) => c.type)).toEqual(["number", "string"]);
    expect(() => datasetFromRecords("v", [])).toThrow(/holds no records/);
  });

  it("reads TSV by extension and other delimiters when asked", async () => {
    const tsv = await loadData({ path: file("t.tsv", "a\tb\n1\tx,y\n") }, "x");
    expect(tsv.columns.map((c) => c.name)).toEqual(["a", "b"]);
    const semi = await loadData({ path: file("s.csv", "a;b\n1,5;2\n") }, "x", { delimiter: ";" });
    expect(semi.columns.map((c) => c.type)).toEqual(["string", "number"]);
  });

  it("explains a missing file and an unknown extension", async () => {
    await expect(loadData({ path: join(dir, "nope.csv") }, "x")).rejects.toMatchObject({ _tag: "DataSourceError" });
    await expect(loadData({ path: file("data.xlsx", "") }, "x")).rejects.toThrow(/cannot tell the format/);
    await expect(loadData(42, "task t")).rejects.toThrow(/cannot read data from number/);
  });
});
