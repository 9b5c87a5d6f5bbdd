/**
 * SCRAM authentication for every call the client makes (the `sasl` client option).
 * Brokers keep sessions per broker, in memory, so the client authenticates to each broker
 * it talks to, once, and again when the broker's session ends: before its lifetime runs
 * out, and when the broker answers UNAUTHENTICATED (it restarted, or the user's
 * credential changed). Every call then carries `authorization: Bearer <token>`.
 *
 * It rides on gRPC's call credentials, so no call site knows about it: the credentials
 * ask this for the token of the call's broker (authenticating first when there is none),
 * and an interceptor on each stub forgets a token the broker no longer accepts; the call
 * fails retriable and its retry authenticates again. A wrong password fails the call at
 * once with SASL_AUTHENTICATION_FAILED (not retried: it would not get better).
 */
import * as grpc from "@grpc/grpc-js";
import { TidelogError } from "./errors.js";
import type { Logger } from "./logger.js";
import { CHANNEL_OPTIONS, errorFromInfo, loadTidelogProto } from "./protocol/grpc.js";
import type { BrokerClient } from "./protocol/messages.js";
import { isScramMechanism, SCRAM_MECHANISMS, ScramClient, type ScramMechanism } from "./protocol/scram.js";

export interface SaslOptions {
  /** "SCRAM-SHA-256" or "SCRAM-SHA-512". */
  readonly mechanism: ScramMechanism;
  readonly username: string;
  readonly password: string;
}

/** A session is renewed once this share of its lifetime has passed. */
const RENEW_AT_SHARE = 0.8;
/** One authentication call's deadline. */
const AUTHENTICATE_TIMEOUT_MS = 10_000;
/** Brokers whose tokens are remembered at once (a client talks to each broker of its cluster). */
const SESSIONS_MAX = 1024;
/** The prefix grpc-js puts before a call-credentials failure's message. */
const CREDENTIALS_FAILURE = "Getting metadata from plugin failed with error: ";

export function checkSaslOptions(sasl: unknown): SaslOptions {
  const s = sasl as Partial<SaslOptions> | null;
  if (typeof s !== "object" || s === null)
    throw new TidelogError("INVALID_CONFIG", "sasl must be { mechanism, username, password }");
  const unknown = Object.keys(s).filter((k) => !["mechanism", "username", "password"].includes(k));
  if (unknown.length > 0)
    throw new TidelogError(
      "INVALID_CONFIG",
      `unknown sasl option(s) ${unknown.join(", ")}; known: mechanism, username, password`,
    );
  if (typeof s.mechanism !== "string" || !isScramMechanism(s.mechanism))
    throw new TidelogError(
      "INVALID_CONFIG",
      `sasl.mechanism must be ${Object.keys(SCRAM_MECHANISMS).join(" or ")}, got ${JSON.stringify(s.mechanism)}`,
    );
  if (typeof s.username !== "string" || s.username === "")
    throw new TidelogError("INVALID_CONFIG", "sasl.username is required");
  if (typeof s.password !== "string" || s.password === "")
    throw new TidelogError("INVALID_CONFIG", "sasl.password is required");
  return { mechanism: s.mechanism, username: s.username, password: s.password };
}

/** The TidelogError a failed call-credentials step stands for, from the status details grpc-js gives. */
export function saslFailureFromStatus(details: string): TidelogError | null {
  if (!details.startsWith(CREDENTIALS_FAILURE)) return null;
  const m = /^([A-Z_]+): ([\s\S]*)$/.exec(details.slice(CREDENTIALS_FAILURE.length));
  if (m && m[1] === "SASL_AUTHENTICATION_FAILED") return new TidelogError("SASL_AUTHENTICATION_FAILED", m[2]!);
  if (m && (m[1] === "UNSUPPORTED_SASL_MECHANISM" || m[1] === "ILLEGAL_SASL_STATE"))
    return new TidelogError(m[1], m[2]!);
  return null;
}

interface Session {
  readonly token: Promise<string>;
  /** When to authenticate again (ms, the client's clock); Infinity while the first attempt runs. */
  renewAtMs: number;
}

export class SaslSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly proto = loadTidelogProto(grpc);

  constructor(
    private readonly options: SaslOptions,
    /** The channel credentials of the authentication calls themselves (TLS, no token). */
    private readonly channel: grpc.ChannelCredentials,
    private readonly nowMs: () => number,
    private readonly logger: Logger,
  ) {}

  /** Channel credentials for the channel to `address` that add its token to every call. */
  credentials(address: string): grpc.ChannelCredentials {
    const callCredentials = grpc.credentials.createFromMetadataGenerator((_params, callback) => {
      this.tokenFor(address).then(
        (token) => {
          const metadata = new grpc.Metadata();
          metadata.set("authorization", `Bearer ${token}`);
          callback(null, metadata);
        },
        (e: unknown) => {
          const error = e instanceof TidelogError ? e : new TidelogError("NETWORK_EXCEPTION", String(e));
          // UNAUTHENTICATED for a refusal (SDK: not retried), UNAVAILABLE when the broker was not reached (retried).
          const code = error.code === "NETWORK_EXCEPTION" ? grpc.status.UNAVAILABLE : grpc.status.UNAUTHENTICATED;
          callback(Object.assign(new Error(`${error.code}: ${error.detail}`), { code }));
        },
      );
    });
    return grpc.credentials.combineChannelCredentials(this.channel, callCredentials);
  }

  /** For each stub of `address`: forgets the token when the broker answers UNAUTHENTICATED. */
  interceptor(address: string): grpc.Interceptor {
    return (options, nextCall) =>
      new grpc.InterceptingCall(nextCall(options), {
        start: (metadata, _listener, next) => {
          next(metadata, {
            onReceiveStatus: (status, nextStatus) => {
              if (status.code === grpc.status.UNAUTHENTICATED && !status.details.startsWith(CREDENTIALS_FAILURE))
                this.sessions.delete(address);
              nextStatus(status);
            },
          });
        },
      });
  }

  private tokenFor(address: string): Promise<string> {
    const now = this.nowMs();
    const known = this.sessions.get(address);
    if (known && now < known.renewAtMs) return known.token;
    if (this.sessions.size >= SESSIONS_MAX) this.sessions.delete(this.sessions.keys().next().value as string);
    const session: Session = { token: this.authenticate(address), renewAtMs: Number.POSITIVE_INFINITY };
    // A renewal replaces the session at once; calls already waiting keep the old token, still valid.
    this.sessions.set(address, session);
    session.token.then(
      () => {},
      () => {
        if (this.sessions.get(address) === session) this.sessions.delete(address);
      },
    );
    return session.token;
  }

  private async authenticate(address: string): Promise<string> {
    const { mechanism, username, password } = this.options;
    const Broker = this.proto.tidelog.v1.Broker;
    const stub: BrokerClient = new Broker(address, this.channel, CHANNEL_OPTIONS);
    const started = this.nowMs();
    try {
      const scram = new ScramClient(mechanism, username, password);
      const first = await this.call(stub, { mechanism, sessionId: "", authBytes: Buffer.from(scram.first()) });
      const final = scram.final(Buffer.from(first.authBytes).toString("utf8"));
      const second = await this.call(stub, { mechanism, sessionId: first.sessionId, authBytes: Buffer.from(final) });
      if (!scram.verifyServer(Buffer.from(second.authBytes).toString("utf8")) || second.token === "")
        throw new TidelogError(
          "SASL_AUTHENTICATION_FAILED",
          `${address} did not prove it holds ${username}'s credential`,
        );
      const lifetime = Number(second.sessionLifetimeMs);
      const session = this.sessions.get(address);
      if (session) session.renewAtMs = started + lifetime * RENEW_AT_SHARE;
      this.logger.debug({ address, username, mechanism }, "authenticated");
      return second.token;
    } finally {
      stub.close();
    }
  }

  private call(
    stub: BrokerClient,
    request: { mechanism: string; sessionId: string; authBytes: Buffer },
  ): Promise<{ sessionId: string; authBytes: Buffer | Uint8Array; token: string; sessionLifetimeMs: number | string }> {
    return new Promise((resolve, reject) =>
      stub.SaslAuthenticate(request, { deadline: this.nowMs() + AUTHENTICATE_TIMEOUT_MS }, (e, res) => {
        if (e || !res) return reject(new TidelogError("NETWORK_EXCEPTION", e?.details ?? "no answer", { cause: e }));
        const error = errorFromInfo(res.error);
        if (error) return reject(error);
        resolve(res);
      }),
    );
  }
}
