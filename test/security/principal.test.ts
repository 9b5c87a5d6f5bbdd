// Principals as Kafka makes them: a client certificate's subject in RFC 2253 form,
// through ssl.principal.mapping.rules (Kafka's syntax and examples), and the settings
// that name principals. Bad rules are refused with what is wrong.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  parsePrincipalList,
  parsePrincipalMappingRules,
  principalFromName,
  subjectName,
} from "../../src/security/principal.js";

const map = (rules: string, name: string) => principalFromName(name, parsePrincipalMappingRules(rules));

test("DEFAULT keeps the distinguished name; rules match the whole name, first match wins", () => {
  assert.equal(map("DEFAULT", "CN=app,O=Acme"), "User:CN=app,O=Acme");
  // Kafka's documented example: the CN of service users, lower-cased.
  const rules =
    "RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/L, RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/, DEFAULT";
  assert.equal(map(rules, "CN=Kafka-Broker,OU=ServiceUsers,O=Acme,C=US"), "User:kafka-broker");
  assert.equal(map(rules, "CN=duke,OU=JavaSoft,O=Sun,L=Santa Clara,ST=CA,C=US"), "User:duke@JavaSoft");
  assert.equal(map(rules, "CN=other,O=Acme"), "User:CN=other,O=Acme", "the DEFAULT at the end");
  assert.equal(map("RULE:^CN=([^,]*).*$/$1/U", "CN=app,O=Acme"), "User:APP");
  // docs/operations.md's example, as written there.
  assert.equal(map("RULE:^CN=([^,]*),.*$/$1/L,DEFAULT", "CN=App,O=Acme"), "User:app");
  assert.equal(
    map("RULE:^CN=app$/x/", "CN=app,O=Acme"),
    null,
    "a partial match is no match; no rule left: no principal",
  );
  assert.equal(map("RULE:^CN=(.*)$/a\\/$1/", "CN=b"), "User:a/b", "an escaped slash in the replacement");
});

test("bad mapping rules and principal lists are refused with what is wrong", () => {
  assert.throws(() => parsePrincipalMappingRules(""), /empty/);
  assert.throws(() => parsePrincipalMappingRules("RULE:^CN=(.*)$"), /misses a "\/"/);
  assert.throws(() => parsePrincipalMappingRules("RULE:^CN=((.*$/$1/"), /bad pattern/);
  assert.throws(() => parsePrincipalMappingRules("SOMETIMES"), /cannot read "SOMETIMES"/);
  assert.throws(() => parsePrincipalMappingRules("DEFAULT DEFAULT"), /expected a comma/);
  assert.deepEqual(parsePrincipalList(" User:CN=a ; User:CN=b,O=c;", "super.users"), ["User:CN=a", "User:CN=b,O=c"]);
  assert.throws(() => parsePrincipalList("CN=a", "super.users"), /super.users: "CN=a" is not a principal/);
});

test("a certificate's subject reads in RFC 2253 order, escaped commas kept", () => {
  const dir = mkdtempSync(join(tmpdir(), "tidelog-principal-"));
  try {
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1"].concat([
        "-subj",
        "/C=US/O=Acme, Inc/OU=eng/CN=broker-1",
        "-keyout",
        "k.pem",
        "-out",
        "c.pem",
      ]),
      { cwd: dir, stdio: "pipe" },
    );
    const der = Buffer.from(readFileSync(join(dir, "c.pem"), "utf8").replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
    assert.equal(subjectName(der), "CN=broker-1,OU=eng,O=Acme\\, Inc,C=US");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
