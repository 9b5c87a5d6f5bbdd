// The SDK as a user installs it: `npm pack` of clients/sdk, unpacked into an empty folder
// outside the repository (its dependencies linked from this checkout's node_modules, so
// no registry is needed), and a script there that creates a topic, produces and consumes
// through a real broker. It proves the tarball carries everything the SDK reads at run
// time: the built code and the .proto files its gRPC loader needs (until 2026-12-05 it
// looked for them at the repository root and failed with ENOENT once installed).
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { projectRoot } from "../../scripts/bootstrap.mjs";
import { startCluster, tempDir } from "../cluster/harness.js";

test("the packed SDK, installed outside the repository, talks to a broker", async (t) => {
  const root = projectRoot();
  const work = tempDir(t, "tidelog-sdk-pack-");
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", work], {
      cwd: join(root, "clients", "sdk"),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }),
  ) as { filename: string; files: { path: string }[] }[];
  const files = packed[0]?.files.map((f) => f.path) ?? [];
  assert.ok(files.includes("proto/tidelog/v1/broker.proto"), "the tarball carries the .proto files");
  assert.ok(files.includes("dist/index.js"), "and the built code");

  const app = join(work, "app");
  const modules = join(app, "node_modules");
  mkdirSync(join(modules, "@tidelog", "client"), { recursive: true });
  execFileSync("tar", [
    "-xzf",
    join(work, packed[0]!.filename),
    "-C",
    join(modules, "@tidelog", "client"),
    "--strip-components=1",
  ]);
  // Dependencies from this checkout (what `npm install` would fetch), never the repo's SDK.
  for (const name of readdirSync(join(root, "node_modules"))) {
    if (name === "@tidelog" || name.startsWith(".")) continue;
    symlinkSync(join(root, "node_modules", name), join(modules, name));
  }

  const c = await startCluster(t, { brokers: 1 });
  writeFileSync(
    join(app, "round-trip.mjs"),
    `import { Client } from "@tidelog/client";
const client = new Client({ brokers: process.env.BOOTSTRAP });
const admin = client.admin();
await admin.createTopic({ name: "installed", partitions: 1, replicationFactor: 1 });
const producer = client.producer();
const report = await producer.send("installed", { key: "k", value: "from outside the repository" });
const consumer = client.consumer({ autoOffsetReset: "earliest" });
consumer.assign([{ topic: "installed", partition: 0 }]);
for await (const record of consumer) {
  console.log(JSON.stringify({ offset: report.offset, value: record.value.toString() }));
  break;
}
await client.close();
`,
  );
  const run = spawnSync(process.execPath, ["round-trip.mjs"], {
    cwd: app,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", BOOTSTRAP: c.bootstrap },
    timeout: 60_000,
  });
  assert.equal(run.status, 0, `the script failed:\n${run.stderr}`);
  assert.deepEqual(JSON.parse(run.stdout.trim()), { offset: 0, value: "from outside the repository" });
});
