/**
 * Certificates for TLS tests, made by openssl: a CA, and certificates it signs for
 * 127.0.0.1 and localhost, good for servers and clients alike (two days).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import type { SslOptions } from "@tidelog/client";

function openssl(cwd: string, ...args: string[]): void {
  execFileSync("openssl", args, { cwd, stdio: "pipe" });
}

/** A CA, and certificates it signs for 127.0.0.1/localhost (servers and clients alike). */
export function makePki(
  dir: string,
  name: string,
): { ca: string; sign: (who: string) => { cert: string; key: string } } {
  const ca = join(dir, `${name}-ca.pem`);
  const caKey = join(dir, `${name}-ca.key`);
  openssl(
    dir,
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-days",
    "2",
    "-subj",
    `/CN=${name} test CA`,
    "-keyout",
    caKey,
    "-out",
    ca,
  );
  const ext = join(dir, "san.ext");
  writeFileSync(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
  return {
    ca,
    sign: (who) => {
      const key = join(dir, `${who}.key`);
      const csr = join(dir, `${who}.csr`);
      const cert = join(dir, `${who}.pem`);
      openssl(
        dir,
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-subj",
        `/CN=${who}`,
        "-keyout",
        key,
        "-out",
        csr,
      );
      openssl(
        dir,
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        ca,
        "-CAkey",
        caKey,
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        ext,
        "-out",
        cert,
      );
      return { cert, key };
    },
  };
}

/** GET `path` from a broker's HTTPS port, trusting `files.ca`, with a client certificate when given. */
export function httpsGet(
  port: number,
  path: string,
  files: { ca: string; cert?: string; key?: string },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        ca: readFileSync(files.ca),
        ...(files.cert && files.key ? { cert: readFileSync(files.cert), key: readFileSync(files.key) } : {}),
      },
      (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** The SDK's `ssl` option from PEM files: the CA to trust, and a client certificate when given. */
export function sslOptions(ca: string, pair?: { cert: string; key: string }): SslOptions {
  return { ca: readFileSync(ca), ...(pair ? { cert: readFileSync(pair.cert), key: readFileSync(pair.key) } : {}) };
}
