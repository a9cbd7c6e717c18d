// After `vite build`: the production JavaScript's size, raw and gzipped, against the budget
// (250 KB gzipped, issue 18). Exits 1 over budget.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 250 * 1024;
const assets = join(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "..", "dist", "assets");
let raw = 0;
let gzipped = 0;
for (const name of readdirSync(assets).filter((n) => n.endsWith(".js"))) {
  const bytes = readFileSync(join(assets, name));
  raw += bytes.length;
  gzipped += gzipSync(bytes, { level: 9 }).length;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`dashboard JS: ${kb(raw)} raw, ${kb(gzipped)} gzipped (budget ${kb(BUDGET)} gzipped)`);
if (gzipped > BUDGET) {
  console.error("The dashboard's JavaScript is over its budget.");
  process.exit(1);
}
