// docs/limits.md lists every bound the broker keeps on its own work, generated from the
// constants in src/ (scripts/limits.mjs). It must say what the code does: a bound added,
// changed or renamed without regenerating the page fails here.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { projectRoot } from "../../scripts/bootstrap.mjs";

test("docs/limits.md is what scripts/limits.mjs generates from src/", () => {
  const root = projectRoot();
  const r = spawnSync(process.execPath, [join(root, "scripts", "limits.mjs"), "--check"], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
});
