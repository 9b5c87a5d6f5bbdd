/**
 * Certificates made with openssl: a CA, and certificates it signs for 127.0.0.1 and
 * localhost, good for servers and clients alike. The TLS tests make throwaway ones; and
 * `npm start -- --secure` keeps one set in its data directory (pki/), made again when it
 * is missing or about to expire.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function openssl(cwd, ...args) {
  execFileSync("openssl", args, { cwd, stdio: "pipe" });
}

/** A new EC P-256 key and a certificate request for `/CN=${cn}` (the key and CSR paths). */
function request(dir, cn, keyFile, out) {
  openssl(
    dir,
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-subj",
    `/CN=${cn}`,
    "-keyout",
    keyFile,
    "-out",
    out,
  );
}

/** A CA named `name` in `dir`, valid `days`, and `sign(who)` for certificates it signs (CN=who). */
export function makePki(dir, name, { days = 2 } = {}) {
  mkdirSync(dir, { recursive: true });
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
    String(days),
    "-subj",
    `/CN=${name} CA`,
    "-keyout",
    caKey,
    "-out",
    ca,
  );
  const ext = join(dir, "san.ext");
  writeFileSync(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
  return {
    ca,
    sign(who) {
      const key = join(dir, `${who}.key`);
      const csr = join(dir, `${who}.csr`);
      const cert = join(dir, `${who}.pem`);
      request(dir, who, key, csr);
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
        String(days),
        "-extfile",
        ext,
        "-out",
        cert,
      );
      return { cert, key };
    },
  };
}

/** Whether the certificate in `file` is still valid a day from now. */
function validForADay(file) {
  try {
    execFileSync("openssl", ["x509", "-checkend", "86400", "-noout", "-in", file], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

/** The principals `npm start -- --secure` makes certificates for. */
export const LOCAL_BROKER_CN = "tidelog-broker";
export const LOCAL_ADMIN_CN = "tidelog-admin";

/**
 * The local cluster's certificates in `dir`: a CA, the brokers' certificate and an admin
 * certificate for the CLI and SDK. Kept between runs; made anew (all of them) when one is
 * missing or expires within a day. Valid 30 days.
 */
export function localPki(dir) {
  const name = "tidelog-local";
  const paths = {
    ca: join(dir, `${name}-ca.pem`),
    broker: { cert: join(dir, `${LOCAL_BROKER_CN}.pem`), key: join(dir, `${LOCAL_BROKER_CN}.key`) },
    admin: { cert: join(dir, `${LOCAL_ADMIN_CN}.pem`), key: join(dir, `${LOCAL_ADMIN_CN}.key`) },
  };
  const files = [paths.ca, paths.broker.cert, paths.broker.key, paths.admin.cert, paths.admin.key];
  if (files.every((f) => existsSync(f)) && [paths.ca, paths.broker.cert, paths.admin.cert].every(validForADay))
    return { ...paths, made: false };
  const pki = makePki(dir, name, { days: 30 });
  pki.sign(LOCAL_BROKER_CN);
  pki.sign(LOCAL_ADMIN_CN);
  return { ...paths, made: true };
}
