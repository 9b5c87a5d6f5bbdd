/**
 * Certificates for TLS tests, made by openssl: a CA, and certificates it signs for
 * 127.0.0.1 and localhost, good for servers and clients alike (two days).
 */
import { readFileSync } from "node:fs";
import { request } from "node:https";
import type { SslOptions } from "@tidelog/client";
import { makePki as makeLocalPki } from "../../scripts/local-pki.mjs";

/** A CA, and certificates it signs for 127.0.0.1/localhost (servers and clients alike), valid two days. */
export function makePki(
  dir: string,
  name: string,
): { ca: string; sign: (who: string) => { cert: string; key: string } } {
  return makeLocalPki(dir, name, { days: 2 });
}

/** GET `path` from a broker's HTTPS port, trusting `files.ca`, with a client certificate when given. */
export function httpsGet(
  port: number,
  path: string,
  files: { ca: string; cert?: string; key?: string; headers?: Record<string, string> },
): Promise<{ status: number; body: string }> {
  return httpsCall(port, "GET", path, files);
}

/** `method` on `path` at a broker's HTTPS port (a JSON `{}` body for methods that carry one). */
export function httpsCall(
  port: number,
  method: string,
  path: string,
  files: { ca: string; cert?: string; key?: string; headers?: Record<string, string> },
): Promise<{ status: number; body: string }> {
  const body = method === "GET" || method === "HEAD" || method === "DELETE" ? null : "{}";
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method,
        headers: { ...(body === null ? {} : { "content-type": "application/json" }), ...files.headers },
        ca: readFileSync(files.ca),
        ...(files.cert && files.key ? { cert: readFileSync(files.cert), key: readFileSync(files.key) } : {}),
      },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body ?? undefined);
  });
}

/** The SDK's `ssl` option from PEM files: the CA to trust, and a client certificate when given. */
export function sslOptions(ca: string, pair?: { cert: string; key: string }): SslOptions {
  return { ca: readFileSync(ca), ...(pair ? { cert: readFileSync(pair.cert), key: readFileSync(pair.key) } : {}) };
}

/**
 * Broker settings for TLS with `broker`'s certificate, trusting `ca` for client
 * certificates (`clientAuth`), and, given super users, the authorizer on.
 */
export function securedBrokerConfig(
  ca: string,
  broker: { cert: string; key: string },
  clientAuth: "required" | "requested",
  superUsers?: string,
): Record<string, string> {
  return {
    "security.protocol": "SSL",
    "ssl.certificate.location": broker.cert,
    "ssl.key.location": broker.key,
    "ssl.ca.location": ca,
    "ssl.client.auth": clientAuth,
    ...(superUsers ? { "authorizer.class.name": "StandardAuthorizer", "super.users": superUsers } : {}),
  };
}
