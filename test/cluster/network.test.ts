// The test network of test/cluster/network.ts: members reach each other and the root
// namespace through the bridge; a cut drops exactly the traffic between the cut member and
// the others named (the root namespace still reaches it); healing restores it; and closing
// leaves nothing behind, with no moment at which the network's addresses could take the
// default route. Skipped where network namespaces are not permitted (not root, no iproute2).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";
import { childEnv } from "../../scripts/cluster-launcher.mjs";
import { createScope, probeTcp, startProcess, waitFor } from "../../scripts/harness/cluster.js";
import { createTestNetwork, NetworkUnavailableError, type TestNetwork } from "./network.js";

const execFileAsync = promisify(execFile);
const PORT = 7070;
/** A connection across a cut is dropped silently (iptables) or refused at once (blackhole): either way it fails within this. */
const CONNECT_TIMEOUT_MS = 1_500;

const SERVER = `require("node:net")
  .createServer((s) => s.on("error", () => {}).end("hi"))
  .listen(${PORT}, process.argv[1], () => console.log("listening"));`;
const CLIENT = `const s = require("node:net").createConnection({ host: process.argv[1], port: ${PORT} });
s.setTimeout(${CONNECT_TIMEOUT_MS}, () => { console.log("timeout"); process.exit(0); });
s.on("connect", () => { console.log("connected"); process.exit(0); });
s.on("error", (e) => { console.log(e.code ?? "error"); process.exit(0); });`;

/** Whether member `from` can open a TCP connection to member `to`, tried from inside `from`'s namespace. */
async function reaches(net: TestNetwork, from: number, to: number): Promise<boolean> {
  const { stdout } = await execFileAsync(
    "ip",
    [...["netns", "exec", net.namespace(from)], ...[process.execPath, "-e", CLIENT, net.address(to)]],
    { env: childEnv() },
  );
  return stdout.trim() === "connected";
}

async function ip(...args: string[]): Promise<string> {
  return (await execFileAsync("ip", args)).stdout;
}

test("members reach each other and the root namespace; a cut drops only its own traffic; close leaves nothing", async (t) => {
  const scope = createScope();
  t.after(() => scope.close());
  let net: TestNetwork;
  try {
    net = await createTestNetwork(scope, [1, 2, 3]);
  } catch (error) {
    if (!(error instanceof NetworkUnavailableError)) throw error;
    t.skip(error.message);
    return;
  }
  t.diagnostic(`network ${net.subnet}, cuts by ${net.cutMethodNote}`);
  assert.match(net.subnet, /^198\.1[89]\.\d+\.0\/24$/, "inside 198.18.0.0/15");
  assert.match(await ip("route", "show", net.subnet), /unreachable .*metric/, "the guard route is in place");

  for (const id of [1, 2, 3]) {
    const server = startProcess(scope, {
      name: `server-${id}`,
      command: "ip",
      args: net.command(id, [process.execPath, "-e", SERVER, net.address(id)]).slice(1),
    });
    await server.waitForLog((r) => r.text === "listening");
  }
  for (const id of [1, 2, 3])
    assert.ok(await probeTcp(net.address(id), PORT), `the root namespace reaches member ${id}`);
  assert.ok(await reaches(net, 1, 2), "member 1 reaches member 2");
  assert.ok(await reaches(net, 3, 1), "member 3 reaches member 1");

  const cut = await net.cut(1, [2]);
  t.diagnostic(cut.description);
  assert.equal(await reaches(net, 1, 2), false, "member 1 no longer reaches member 2");
  assert.equal(await reaches(net, 2, 1), false, "member 2 no longer reaches member 1");
  assert.ok(await reaches(net, 3, 1), "member 3 still reaches member 1");
  assert.ok(await reaches(net, 2, 3), "member 2 still reaches member 3");
  assert.ok(await probeTcp(net.address(1), PORT), "the root namespace still reaches member 1");
  const rootRules = (await execFileAsync("iptables", ["-w", "-S"]).catch(() => ({ stdout: "" }))).stdout;
  assert.doesNotMatch(rootRules, new RegExp(net.address(2).replaceAll(".", "\\.")), "no rule in the root namespace");

  await cut.heal();
  await cut.heal();
  await waitFor(() => reaches(net, 1, 2), { description: "member 1 reaching member 2 after the heal" });
  assert.ok(await reaches(net, 2, 1), "member 2 reaches member 1 again");

  const blackhole = await net.cut(3, [1], "blackhole");
  assert.equal(await reaches(net, 3, 1), false, "blackhole: member 3 no longer reaches member 1");
  assert.equal(await reaches(net, 1, 3), false, "blackhole: member 1 no longer reaches member 3");
  assert.ok(await reaches(net, 3, 2), "blackhole: member 3 still reaches member 2");
  await blackhole.heal();
  assert.ok(await reaches(net, 3, 1), "member 3 reaches member 1 again");

  // Tear down out of order, as a killed run would leave it half done: with the root veth
  // gone, the network's addresses are unreachable rather than routed to the default gateway.
  const rootLink = (await ip("-o", "-4", "addr", "show", "to", net.subnet)).split(/\s+/)[1]!;
  await ip("link", "del", rootLink);
  const lookup = await ip("route", "get", net.address(2)).catch((e: Error) => e.message);
  assert.match(lookup, /No route to host|^unreachable/, "the guard route catches it");

  await scope.close();
  await net.close();
  assert.equal(await ip("route", "show", net.subnet), "", "no route left for the network");
  const left = (await ip("netns", "list")).split("\n").filter((l) => l.startsWith(net.namespace(1).slice(0, -3)));
  assert.deepEqual(left, [], "no namespace left");
  const route = await ip("route", "get", net.address(2)).catch((e: Error) => e.message);
  assert.doesNotMatch(route, new RegExp(`dev ${rootLink}`), "nothing routes through the deleted veth");
});

/** A test process that builds a network with one member, prints its namespace, and waits to be killed. */
const CHILD = `
import { createScope } from ${JSON.stringify(new URL("../../scripts/harness/cluster.ts", import.meta.url).pathname)};
import { createTestNetwork } from ${JSON.stringify(new URL("./network.ts", import.meta.url).pathname)};
const net = await createTestNetwork(createScope(), [1]);
console.log(JSON.stringify({ namespace: net.namespace(1), subnet: net.subnet }));
setInterval(() => {}, 1000);
`;

async function abandonedBy(signal: NodeJS.Signals, t: { after(fn: () => unknown): void }) {
  const scope = createScope();
  t.after(() => scope.close());
  const child = startProcess(scope, {
    name: `network-child-${signal}`,
    command: process.execPath,
    args: ["--import", "tsx", "--conditions=tidelog-source", "--input-type=module", "-e", CHILD],
  });
  const line = await child.waitForLog((r) => r.json?.namespace !== undefined, 20_000);
  await child.stop(signal, 10_000);
  return line.json as { namespace: string; subnet: string };
}

async function leftovers(made: { namespace: string; subnet: string }): Promise<string[]> {
  const namespaces = (await ip("netns", "list")).split("\n").filter((l) => l.startsWith(made.namespace.slice(0, -3)));
  const routes = (await ip("route", "show", made.subnet)).split("\n").filter((l) => l.length > 0);
  return [...namespaces, ...routes];
}

test("a test process interrupted with SIGTERM removes its network on the way out", async (t) => {
  if (process.getuid?.() !== 0) return t.skip("network namespaces need root");
  const made = await abandonedBy("SIGTERM", t);
  assert.deepEqual(await leftovers(made), []);
});

test("what a test process killed with SIGKILL left behind is swept by the next network", async (t) => {
  if (process.getuid?.() !== 0) return t.skip("network namespaces need root");
  const made = await abandonedBy("SIGKILL", t);
  assert.notDeepEqual(await leftovers(made), [], "SIGKILL leaves the network behind");
  const scope = createScope();
  t.after(() => scope.close());
  await createTestNetwork(scope, [1]);
  assert.deepEqual(await leftovers(made), [], "the next run swept it");
});
