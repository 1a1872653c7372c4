// Writes the example's customer tables deterministically (Park–Miller LCG, fixed seeds):
// data/reference.csv — the customers the churn model was trained on;
// data/current.csv — this month's customers, after a price rise moved monthly charges and plans.
// Run: node examples/drift/scripts/generate-data.mjs
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const M = 2147483647;
const rng = (seed) => {
  let x = seed;
  return () => (x = (x * 16807) % M) / M;
};
// Sum of 4 uniforms: bell-shaped, no Math.random, identical on every machine.
const bell = (u) => (u() + u() + u() + u() - 2) / 0.577;

const REGIONS = ["north", "south", "east", "west"];

const customers = (n, seed, firstId, { priceRise, premiumShare }) => {
  const u = rng(seed);
  const rows = [];
  for (let i = 0; i < n; i++) {
    const age = Math.round(Math.min(90, Math.max(18, 44 + 13 * bell(u))));
    const tenure = Math.floor(u() * 72);
    const r = u();
    const plan = r < premiumShare ? "premium" : r < premiumShare + 0.4 ? "standard" : "basic";
    const base = { basic: 25, standard: 55, premium: 90 }[plan];
    const charges = +(base * (1 + priceRise) + 6 * bell(u)).toFixed(2);
    const region = REGIONS[Math.floor(u() * REGIONS.length)];
    // Churn grows with charges and shrinks with tenure: what the model has to learn.
    const risk = 1 / (1 + Math.exp(-(0.045 * (charges - 55) - 0.05 * (tenure - 30))));
    rows.push([firstId + i, age, tenure, charges, plan, region, u() < risk ? "true" : "false"].join(","));
  }
  return ["customer_id,age,tenure_months,monthly_charges,plan,region,churned", ...rows].join("\n") + "\n";
};

const dir = fileURLToPath(new URL("../data/", import.meta.url));
writeFileSync(dir + "reference.csv", customers(800, 20240101, 1, { priceRise: 0, premiumShare: 0.2 }));
writeFileSync(dir + "current.csv", customers(600, 20240601, 100001, { priceRise: 0.12, premiumShare: 0.32 }));
console.log(`wrote ${dir}reference.csv and ${dir}current.csv`);
