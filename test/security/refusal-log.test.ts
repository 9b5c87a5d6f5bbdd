// Refused requests are all counted, but logged at most once a second per source host,
// each line saying how many refusals it stands for: a client retrying without rights
// cannot flood the broker's log.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TidelogError } from "@tidelog/client/record";
import { ManualClock } from "../../src/common/clock.js";
import type { LogFn, Logger } from "../../src/common/logger.js";
import { refusalReporter } from "../../src/server/authorization.js";

test("refusals are counted one by one and logged once a second per source host", () => {
  const lines: Record<string, unknown>[] = [];
  const warn = ((obj: object) => {
    lines.push(obj as Record<string, unknown>);
  }) as LogFn;
  const noop = (() => {}) as LogFn;
  const logger: Logger = { debug: noop, info: noop, warn, error: noop, child: () => logger };
  const clock = new ManualClock();
  const counted: string[] = [];
  const report = refusalReporter(logger, clock, (service, method, code) =>
    counted.push(`${service}.${method} ${code}`),
  );
  const refusal = (peer: string) => ({
    service: "Broker",
    method: "Produce",
    principal: "User:CN=app",
    peer,
    error: new TidelogError("TOPIC_AUTHORIZATION_FAILED", "no"),
  });
  for (let i = 0; i < 5; i++) report(refusal(`10.0.0.1:${5000 + i}`));
  report(refusal("10.0.0.2:6000"));
  assert.equal(counted.length, 6, "every refusal counted");
  assert.deepEqual(
    lines.map((l) => l.peer),
    ["10.0.0.1:5000", "10.0.0.2:6000"],
    "one line per source host, whatever its ports",
  );
  clock.advance(1000);
  report(refusal("10.0.0.1:5009"));
  assert.equal(lines.length, 3);
  assert.equal(lines[2]?.alsoRefusedSinceLastLine, 4, "the next line says how many were left out");
});
