// SCRAM-SHA-256/512 (RFC 5802, RFC 7677): the RFC's own exchange byte for byte, both
// mechanisms end to end, and every way a proof can be wrong refused.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import {
  credentialFromSaltedPassword,
  SCRAM_ITERATIONS_MIN,
  ScramClient,
  type ScramMechanism,
  ScramServerExchange,
  saltedPassword,
} from "@tidelog/client/protocol";

test("RFC 7677's SCRAM-SHA-256 example, both sides", () => {
  const salt = Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64");
  const credential = credentialFromSaltedPassword(
    "SCRAM-SHA-256",
    saltedPassword("SCRAM-SHA-256", "pencil", salt, 4096),
    salt,
    4096,
  );
  const client = new ScramClient("SCRAM-SHA-256", "user", "pencil", "rOprNGfwEbeRWgbNEkqO");
  assert.equal(client.first(), "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  const server = ScramServerExchange.start(
    "SCRAM-SHA-256",
    client.first(),
    (name) => (name === "user" ? credential : null),
    "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
  );
  assert.ok(server);
  assert.equal(
    server.serverFirst,
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
  );
  const final = client.final(server.serverFirst);
  assert.equal(
    final,
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  );
  const serverFinal = server.finish(final);
  assert.equal(serverFinal, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  assert.ok(client.verifyServer(serverFinal!));
});

for (const mechanism of ["SCRAM-SHA-256", "SCRAM-SHA-512"] as ScramMechanism[]) {
  test(`${mechanism}: the right password passes; a wrong one, an unknown user, a replay and a tampered nonce do not`, () => {
    const salt = randomBytes(16);
    const credential = credentialFromSaltedPassword(
      mechanism,
      saltedPassword(mechanism, "s3cret,=é", salt, SCRAM_ITERATIONS_MIN),
      salt,
      SCRAM_ITERATIONS_MIN,
    );
    const users = (name: string) => (name === "al=ice,x" ? credential : null);
    const exchange = (user: string, password: string) => {
      const client = new ScramClient(mechanism, user, password);
      const server = ScramServerExchange.start(mechanism, client.first(), users);
      assert.ok(server, "a well-formed client-first is read");
      const final = client.final(server.serverFirst);
      return { client, server, final, answer: server.finish(final) };
    };
    const ok = exchange("al=ice,x", "s3cret,=é");
    assert.ok(ok.answer && ok.client.verifyServer(ok.answer), "the right password, and the broker proves itself");
    assert.equal(ok.server.username, "al=ice,x", "escaped names read back");
    assert.equal(exchange("al=ice,x", "wrong").answer, null);
    assert.equal(exchange("mallory", "s3cret,=é").answer, null, "an unknown user fails like a wrong password");
    // The same final message in another exchange: the nonce differs, refused.
    const other = ScramServerExchange.start(mechanism, new ScramClient(mechanism, "al=ice,x", "x").first(), users);
    assert.equal(other?.finish(ok.final), null, "a replayed proof");
    assert.equal(ok.server.finish(ok.final.replace(/r=([^,]+)/, "r=$1x")), null, "a tampered nonce");
    assert.ok(!ok.client.verifyServer("v=AAAA"), "a broker that does not hold the credential is not believed");
    for (const bad of ["", "y,,n=a,r=b", "n,,n=a", "n,,n=a=ZZ,r=b", `n,,n=a,r=${"x".repeat(5000)}`])
      assert.equal(ScramServerExchange.start(mechanism, bad, users), null, JSON.stringify(bad.slice(0, 20)));
    assert.throws(() => new ScramClient(mechanism, "a", "b").final("r=other,s=AAAA,i=4096"), /does not continue/);
    const c = new ScramClient(mechanism, "a", "b", "abc");
    assert.throws(() => c.final("r=abcdef,s=AAAA,i=10"), /iterations/);
  });
}
