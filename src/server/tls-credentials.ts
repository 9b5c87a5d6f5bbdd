/**
 * gRPC credentials from the broker's TLS settings (config.ts, `security.protocol=SSL`):
 * for its listener, and for its own connections to other brokers (replica fetching,
 * leader recovery, transaction markers, forwarded admin writes), which present this
 * broker's certificate so a listener that requires client certificates admits them.
 *
 * The files are read through grpc-js's file-watcher provider, again every
 * `ssl.refresh.interval.ms`: a rotated certificate (or CA bundle) is picked up by new
 * connections without a restart, and connections already open keep the session they
 * negotiated. Plaintext (`security.protocol=PLAINTEXT`) gives insecure credentials.
 */
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import type { SslOptions } from "@tidelog/client";
import type { TlsConfig } from "./config.js";

export interface BrokerCredentials {
  readonly secure: boolean;
  /** For the gRPC listener. */
  server(): grpc.ServerCredentials;
  /** For a connection from this broker to another. */
  channel(): grpc.ChannelCredentials;
  /**
   * The same, as the SDK's `ssl` option (the HTTP API's client), read from the files now:
   * a certificate rotated later reaches it at the next restart. undefined for plaintext.
   */
  sdkSsl(): SslOptions | undefined;
}

/** Whether `host` is a loopback address (or a name only this machine resolves so). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, "$1"); // a URL's hostname brackets IPv6
  return h === "localhost" || h === "::1" || h.startsWith("127.");
}

export function brokerCredentials(tls: TlsConfig | null): BrokerCredentials {
  if (tls === null) {
    return {
      secure: false,
      server: () => grpc.ServerCredentials.createInsecure(),
      channel: () => grpc.credentials.createInsecure(),
      sdkSsl: () => undefined,
    };
  }
  const identity = new grpc.experimental.FileWatcherCertificateProvider({
    certificateFile: tls.certificatePath,
    privateKeyFile: tls.keyPath,
    refreshIntervalMs: tls.refreshIntervalMs,
  });
  const ca =
    tls.caPath === null
      ? null
      : new grpc.experimental.FileWatcherCertificateProvider({
          caCertificateFile: tls.caPath,
          refreshIntervalMs: tls.refreshIntervalMs,
        });
  // Kafka's ssl.endpoint.identification.algorithm: "https" checks that a broker's
  // certificate names the address it is reached at; empty skips that (not the CA check).
  const verify: grpc.VerifyOptions = tls.checkHostname ? {} : { checkServerIdentity: () => undefined };
  return {
    secure: true,
    // grpc-js asks for a client certificate exactly when given a CA provider, and refuses a
    // connection without one when told to require it. Its factory (1.14) hands its first
    // two arguments to the constructor the other way round from their names, so the
    // identity goes first here; tls.test.ts fails at once if a release swaps them back.
    server: () =>
      grpc.experimental.createCertificateProviderServerCredentials(
        identity,
        (tls.clientAuth === "none" ? null : ca) as grpc.experimental.CertificateProvider,
        tls.clientAuth === "required",
      ),
    channel: () =>
      ca === null
        ? grpc.credentials.createSsl(null, null, null, verify)
        : grpc.experimental.createCertificateProviderChannelCredentials(ca, identity, verify),
    sdkSsl: () => ({
      ...(tls.caPath === null ? {} : { ca: readFileSync(tls.caPath) }),
      cert: readFileSync(tls.certificatePath),
      key: readFileSync(tls.keyPath),
      checkHostname: tls.checkHostname,
    }),
  };
}
