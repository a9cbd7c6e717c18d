// The API's TypeScript types (src/api/schema.d.ts), generated from the OpenAPI schema the
// Django project describes (manage.py spectacular) with openapi-typescript.
//   node scripts/api-types.mjs write   regenerate src/api/schema.d.ts
//   node scripts/api-types.mjs check   exit 1 when the committed file differs from the schema
// PYTHON (default ../.venv/bin/python) runs manage.py.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const project = resolve(here, "..", "..");
const target = resolve(here, "..", "src", "api", "schema.d.ts");
const HEADER =
  "// Generated from the API's OpenAPI schema by `npm run types` (scripts/api-types.mjs).\n" +
  "// Do not edit: change the API, then regenerate; `npm run types:check` fails when stale.\n\n";

export async function generate() {
  const python = process.env.PYTHON ?? join(project, ".venv", "bin", "python");
  if (!existsSync(python)) {
    console.error(`${python} is missing: run \`make install\` first, or set PYTHON.`);
    process.exit(2);
  }
  const scratch = mkdtempSync(join(tmpdir(), "redrive-schema-"));
  const file = join(scratch, "schema.json");
  try {
    execFileSync(
      python,
      ["manage.py", "spectacular", "--format", "openapi-json", "--file", file],
      { cwd: project, stdio: ["ignore", "ignore", "inherit"] },
    );
    const schema = JSON.parse(readFileSync(file, "utf8"));
    return HEADER + astToString(await openapiTS(schema));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const mode = process.argv[2];
if (mode !== "write" && mode !== "check") {
  console.error("usage: node scripts/api-types.mjs write|check");
  process.exit(2);
}
const fresh = await generate();
if (mode === "write") {
  writeFileSync(target, fresh);
  console.log(`wrote ${target}`);
} else {
  let committed = "";
  try {
    committed = readFileSync(target, "utf8");
  } catch {
    committed = "";
  }
  if (committed !== fresh) {
    console.error(
      `${target} does not match the API's schema: run \`npm run types\` in dashboard/ ` +
        "(or `make dashboard-types`) and commit the result.",
    );
    process.exit(1);
  }
  console.log("src/api/schema.d.ts matches the API's schema.");
}
