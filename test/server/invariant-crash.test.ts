// A violated invariant is never answered as an error code: at every edge it goes through
// asServerError (src/common/server-error.ts), which lets it reach the process's
// uncaughtException handler (the broker's logs it as fatal and exits). An ordinary
// unexpected error is answered as UNKNOWN_SERVER_ERROR and the process keeps serving.
// The edge here is unary() (the admin, group and transaction services' handlers), driven
// in a child process so the crash is real.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function runEdge(thrown: "invariant" | "error"): { status: number | null; stdout: string; stderr: string } {
  const script = `
    import { InvariantViolation } from "./src/common/invariant.ts";
    import { silentLogger } from "./src/common/logger.ts";
    import { unary } from "./src/server/unary-handler.ts";
    process.on("uncaughtException", (e) => {
      console.log("FATAL " + e.name + ": " + e.message);
      process.exit(70);
    });
    const handler = unary(silentLogger, (e) => ({ code: e.code }), () => {
      throw ${thrown === "invariant" ? 'new InvariantViolation("HW 7 > LEO 5")' : 'new Error("a bug in one request")'};
    });
    const call = { request: {}, cancelled: false, getDeadline: () => Infinity };
    handler(call, (err, res) => console.log("ANSWERED " + JSON.stringify(res)));
    setTimeout(() => console.log("STILL SERVING"), 200);
  `;
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "--conditions=tidelog-source", "--input-type=module", "-e", script],
    {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("a violated invariant stops the process instead of being answered", () => {
  const r = runEdge("invariant");
  assert.equal(r.status, 70, r.stdout + r.stderr);
  assert.match(r.stdout, /FATAL InvariantViolation: HW 7 > LEO 5/);
  assert.doesNotMatch(r.stdout, /STILL SERVING/);
});

test("an ordinary unexpected error is answered UNKNOWN_SERVER_ERROR and the process keeps serving", () => {
  const r = runEdge("error");
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /ANSWERED \{"code":"UNKNOWN_SERVER_ERROR"\}/);
  assert.match(r.stdout, /STILL SERVING/);
  assert.doesNotMatch(r.stdout, /FATAL/);
});
