/**
 * The SDK's side of TLS: channel credentials from the `ssl` client option. PEM contents,
 * not paths, so an application decides where its secrets come from (files, a vault, the
 * environment); the CLI reads files for its users. Checked here, at the edge: a value
 * that is not PEM is INVALID_CONFIG naming the field, rather than a handshake failure
 * later that says nothing about why.
 */
import * as grpc from "@grpc/grpc-js";
import { TidelogError } from "./errors.js";

export interface SslOptions {
  /** PEM CA certificate(s) to trust instead of the system's. */
  readonly ca?: string | Buffer;
  /** PEM client certificate (chain), for brokers that require one (`ssl.client.auth`). */
  readonly cert?: string | Buffer;
  /** PEM private key of `cert`. */
  readonly key?: string | Buffer;
  /**
   * false: do not check that a broker's certificate names the address it is reached at
   * (Kafka's `ssl.endpoint.identification.algorithm` left empty). The certificate is still
   * checked against the CA. Default true.
   */
  readonly checkHostname?: boolean;
}

const SSL_OPTION_NAMES = new Set(["ca", "cert", "key", "checkHostname"]);

function pem(value: string | Buffer | undefined, field: string, marker: RegExp): Buffer | null {
  if (value === undefined) return null;
  const buffer = typeof value === "string" ? Buffer.from(value) : value;
  if (!Buffer.isBuffer(buffer) || !marker.test(buffer.toString("latin1")))
    throw new TidelogError("INVALID_CONFIG", `ssl.${field} must be PEM text (-----BEGIN ...-----)`);
  return buffer;
}

/** Insecure credentials without `ssl`, else TLS ones. */
export function channelCredentials(ssl: true | SslOptions | undefined): grpc.ChannelCredentials {
  if (ssl === undefined) return grpc.credentials.createInsecure();
  if (ssl === true) return grpc.credentials.createSsl();
  if (typeof ssl !== "object" || ssl === null)
    throw new TidelogError("INVALID_CONFIG", "ssl must be true or an object of PEM options (ca, cert, key)");
  const unknown = Object.keys(ssl).filter((k) => !SSL_OPTION_NAMES.has(k));
  if (unknown.length > 0)
    throw new TidelogError(
      "INVALID_CONFIG",
      `unknown ssl option(s) ${unknown.join(", ")}; known: ca, cert, key, checkHostname`,
    );
  const ca = pem(ssl.ca, "ca", /-----BEGIN CERTIFICATE-----/);
  const cert = pem(ssl.cert, "cert", /-----BEGIN CERTIFICATE-----/);
  const key = pem(ssl.key, "key", /-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/);
  if ((cert === null) !== (key === null))
    throw new TidelogError("INVALID_CONFIG", "ssl.cert and ssl.key go together (a client certificate and its key)");
  const verify: grpc.VerifyOptions = ssl.checkHostname === false ? { checkServerIdentity: () => undefined } : {};
  try {
    return grpc.credentials.createSsl(ca, key, cert, verify);
  } catch (e) {
    throw new TidelogError("INVALID_CONFIG", `the ssl certificates or key could not be read: ${(e as Error).message}`);
  }
}
