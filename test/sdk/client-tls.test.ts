// The SDK's `ssl` option is checked at the edge: values that are not PEM, a certificate
// without its key, and unknown names are INVALID_CONFIG naming the field, before any
// connection is tried; plaintext, `true` and PEM contents make channel credentials.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Client, isTidelogError } from "@tidelog/client";
import { makePki } from "../cluster/pki.js";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n";

function refused(ssl: unknown, message: RegExp): void {
  assert.throws(
    () => new Client({ brokers: "127.0.0.1:1", ssl: ssl as never }),
    (e: unknown) => isTidelogError(e, "INVALID_CONFIG") && message.test((e as Error).message),
  );
}

test("bad ssl options are INVALID_CONFIG naming the field", () => {
  refused({ ca: "not a certificate" }, /ssl\.ca must be PEM/);
  refused({ cert: CERT }, /ssl\.cert and ssl\.key go together/);
  refused({ key: KEY }, /ssl\.cert and ssl\.key go together/);
  refused({ cert: KEY, key: KEY }, /ssl\.cert must be PEM/);
  refused({ ca: CERT, password: "x" }, /unknown ssl option\(s\) password/);
  refused("yes", /ssl must be true or an object/);
});

test("PEM that does not parse is INVALID_CONFIG too", () => {
  refused({ cert: CERT, key: KEY }, /could not be read/);
});

test("plaintext, system CAs and PEM contents make a client", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tidelog-client-tls-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pair = makePki(dir, "sdk").sign("client");
  const cert = readFileSync(pair.cert);
  const key = readFileSync(pair.key);
  for (const ssl of [
    undefined,
    true as const,
    { ca: cert },
    { ca: cert.toString(), cert, key, checkHostname: false },
  ]) {
    const client = new Client({ brokers: "127.0.0.1:1", ...(ssl === undefined ? {} : { ssl }) });
    await client.close();
  }
});
