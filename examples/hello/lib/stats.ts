// Small numeric helpers used by the hello flow's tasks.
export const mean = (xs: ReadonlyArray<number>): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

export const parseCsv = (text: string): Array<Record<string, string>> => {
  const [header, ...rows] = text.trim().split("\n");
  const cols = header!.split(",");
  return rows.map((r) => Object.fromEntries(r.split(",").map((v, i) => [cols[i]!, v])));
};
