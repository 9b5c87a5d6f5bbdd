/**
 * SCRAM authentication over gRPC (Kafka's SaslAuthenticate): a two-call exchange
 * (scram.ts in the SDK does the cryptography) that ends in a session token, which later
 * calls carry as `authorization: Bearer <token>` to act as the user. Kafka authenticates
 * a connection; gRPC multiplexes calls over connections it manages itself, so the
 * session is named by its token instead, held in this broker's memory only: a client
 * authenticates to each broker it talks to, and again after that broker restarts.
 *
 * A session ends at `sessionLifetimeMs` (the client renews before), and at once when the
 * user's credential for its mechanism changes or is deleted (the token remembers the
 * credential's etcd revision). A failed exchange is answered SASL_AUTHENTICATION_FAILED
 * after `failureDelayMs` (Kafka's connection.failed.authentication.delay.ms), so guessing
 * passwords over one connection is slow; an unknown user fails exactly like a wrong
 * password.
 */
import { createHash, pbkdf2, randomBytes, timingSafeEqual } from "node:crypto";
import {
  credentialFromSaltedPassword,
  errorInfo,
  isScramMechanism,
  SCRAM_MECHANISMS,
  SCRAM_MESSAGE_MAX_BYTES,
  type ScramCredential,
  type ScramMechanism,
  ScramServerExchange,
  type wire,
} from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { Clock } from "../common/clock.js";
import type { Principal } from "./principal.js";

/** Exchanges between their first and second call, at once; past it the oldest is dropped. */
export const SASL_EXCHANGES_MAX = 10_000;
/** How long an exchange may wait for its second call. */
export const SASL_EXCHANGE_TIMEOUT_MS = 10_000;
/** Sessions held at once; past it the oldest is dropped (its client authenticates again). */
export const SASL_SESSIONS_MAX = 100_000;
/** How long a password checked good (HTTP Basic) is taken without checking it again. */
export const PASSWORD_CHECKS_CACHED_MS = 60_000;
/** Passwords checked good remembered at once. */
export const PASSWORD_CHECKS_MAX = 10_000;

export interface SaslAuthenticatorOptions {
  /** The mechanisms clients may use (sasl.enabled.mechanisms); empty: SASL is off. */
  readonly mechanisms: readonly ScramMechanism[];
  /** A user's credential and the etcd revision it was written at, or null. */
  readonly credentialOf: (
    user: string,
    mechanism: ScramMechanism,
  ) => { readonly credential: ScramCredential; readonly revision: number } | null;
  readonly clock: Pick<Clock, "monotonicMs" | "after">;
  readonly sessionLifetimeMs: number;
  readonly failureDelayMs: number;
  /** Told of every exchange that ends, for the metrics and the log. */
  readonly onResult: (result: {
    mechanism: string;
    user: string | null;
    peer: string;
    error: TidelogError | null;
  }) => void;
}

interface Pending {
  readonly exchange: ScramServerExchange;
  readonly mechanism: ScramMechanism;
  /** The credential's etcd revision the challenge was made from; -1 for an unknown user. */
  readonly revision: number;
  readonly expiresAtMs: number;
}

interface Session {
  readonly user: string;
  readonly mechanism: ScramMechanism;
  readonly revision: number;
  readonly expiresAtMs: number;
}

export class SaslAuthenticator {
  private readonly pending = new Map<string, Pending>();
  private readonly sessions = new Map<string, Session>();
  /** Passwords checked good (HTTP Basic), by mechanism, user, credential revision and password hash: until when. */
  private readonly verified = new Map<string, number>();

  constructor(private readonly options: SaslAuthenticatorOptions) {}

  get enabled(): boolean {
    return this.options.mechanisms.length > 0;
  }

  /** One call of the exchange; failures are answered (after the failure delay), never thrown. */
  async authenticate(req: wire.SaslAuthenticateRequest__Output, peer: string): Promise<wire.SaslAuthenticateResponse> {
    const outcome = this.step(req);
    if ("error" in outcome) {
      this.options.onResult({ mechanism: req.mechanism, user: outcome.user, peer, error: outcome.error });
      await new Promise<void>((resolve) => this.options.clock.after(this.options.failureDelayMs, resolve));
      return {
        error: errorInfo(outcome.error),
        sessionId: "",
        authBytes: Buffer.alloc(0),
        token: "",
        sessionLifetimeMs: 0,
      };
    }
    if (outcome.token) this.options.onResult({ mechanism: req.mechanism, user: outcome.user, peer, error: null });
    return {
      error: errorInfo(null),
      sessionId: outcome.sessionId,
      authBytes: Buffer.from(outcome.message, "utf8"),
      token: outcome.token,
      sessionLifetimeMs: outcome.token ? this.options.sessionLifetimeMs : 0,
    };
  }

  /**
   * Whether `password` is `user`'s (HTTP Basic over TLS): checked against the user's
   * credential of an enabled mechanism as SCRAM would, off the event loop (PBKDF2); a
   * success is remembered for PASSWORD_CHECKS_CACHED_MS so a client sending the same
   * header on every request does not pay it each time. A failure is answered after the
   * failure delay (and reported by the caller, which knows the peer).
   */
  async verifyPassword(user: string, password: string): Promise<boolean> {
    const now = this.options.clock.monotonicMs();
    for (const mechanism of this.options.mechanisms) {
      const found = this.options.credentialOf(user, mechanism);
      if (!found) continue;
      const key = `${mechanism}\u0000${user}\u0000${found.revision}\u0000${createHash("sha256").update(password).digest("base64")}`;
      const cached = this.verified.get(key);
      if (cached !== undefined && cached > now) return true;
      const { hash, bytes } = SCRAM_MECHANISMS[mechanism];
      const salted = await new Promise<Buffer>((resolve, reject) =>
        pbkdf2(password.normalize("NFKC"), found.credential.salt, found.credential.iterations, bytes, hash, (e, k) =>
          e ? reject(e) : resolve(k),
        ),
      );
      const storedKey = credentialFromSaltedPassword(
        mechanism,
        salted,
        found.credential.salt,
        found.credential.iterations,
      ).storedKey;
      if (
        storedKey.length === found.credential.storedKey.length &&
        timingSafeEqual(storedKey, found.credential.storedKey)
      ) {
        this.makeRoom(this.verified, PASSWORD_CHECKS_MAX, now, (v) => v);
        this.verified.set(key, now + PASSWORD_CHECKS_CACHED_MS);
        return true;
      }
      break;
    }
    await new Promise<void>((resolve) => this.options.clock.after(this.options.failureDelayMs, resolve));
    return false;
  }

  /**
   * The principal a token stands for, or null when it names no live session: unknown (a
   * restarted broker, a dropped session), expired, or its credential changed since.
   */
  principalOf(token: string): Principal | null {
    const s = this.sessions.get(token);
    if (!s) return null;
    if (
      this.options.clock.monotonicMs() >= s.expiresAtMs ||
      this.options.credentialOf(s.user, s.mechanism)?.revision !== s.revision
    ) {
      this.sessions.delete(token);
      return null;
    }
    return `User:${s.user}` as Principal;
  }

  private step(
    req: wire.SaslAuthenticateRequest__Output,
  ):
    | { error: TidelogError; user: string | null }
    | { sessionId: string; message: string; token: string; user: string } {
    const mechanism = req.mechanism;
    if (!isScramMechanism(mechanism) || !this.options.mechanisms.includes(mechanism))
      return {
        error: new TidelogError(
          "UNSUPPORTED_SASL_MECHANISM",
          this.enabled
            ? `${mechanism || '""'} is not enabled on this broker (sasl.enabled.mechanisms: ${this.options.mechanisms.join(", ")})`
            : "SASL is off on this broker (sasl.enabled.mechanisms is empty)",
        ),
        user: null,
      };
    if (req.authBytes.length > SCRAM_MESSAGE_MAX_BYTES)
      return { error: new TidelogError("ILLEGAL_SASL_STATE", "the SCRAM message is too long"), user: null };
    const message = Buffer.from(req.authBytes).toString("utf8");
    const now = this.options.clock.monotonicMs();
    if (req.sessionId === "") {
      let revision = -1;
      const exchange = ScramServerExchange.start(mechanism, message, (user) => {
        const found = this.options.credentialOf(user, mechanism);
        revision = found?.revision ?? -1;
        return found?.credential ?? null;
      });
      if (!exchange)
        return { error: new TidelogError("ILLEGAL_SASL_STATE", "the first SCRAM message is malformed"), user: null };
      const sessionId = randomBytes(18).toString("base64url");
      this.makeRoom(this.pending, SASL_EXCHANGES_MAX, now);
      this.pending.set(sessionId, { exchange, mechanism, revision, expiresAtMs: now + SASL_EXCHANGE_TIMEOUT_MS });
      return { sessionId, message: exchange.serverFirst, token: "", user: exchange.username };
    }
    const pending = this.pending.get(req.sessionId);
    this.pending.delete(req.sessionId); // one try per exchange
    if (!pending || pending.expiresAtMs <= now || pending.mechanism !== mechanism)
      return {
        error: new TidelogError(
          "ILLEGAL_SASL_STATE",
          "no SCRAM exchange under this session id: it ended or timed out; start again",
        ),
        user: null,
      };
    const user = pending.exchange.username;
    // The credential the challenge was made from must still be the user's.
    const current = this.options.credentialOf(user, mechanism);
    const valid = current !== null && current.revision === pending.revision;
    const serverFinal = valid ? pending.exchange.finish(message) : null;
    if (serverFinal === null || !current)
      return {
        error: new TidelogError(
          "SASL_AUTHENTICATION_FAILED",
          `authentication failed: invalid credentials with SASL mechanism ${mechanism}`,
        ),
        user,
      };
    const token = randomBytes(32).toString("base64url");
    this.makeRoom(this.sessions, SASL_SESSIONS_MAX, now);
    this.sessions.set(token, {
      user,
      mechanism,
      revision: current.revision,
      expiresAtMs: now + this.options.sessionLifetimeMs,
    });
    return { sessionId: req.sessionId, message: serverFinal, token, user };
  }

  /** Drops what expired, then the oldest, until `map` has room for one more. */
  private makeRoom<V>(
    map: Map<string, V>,
    max: number,
    now: number,
    expiresAtMs: (v: V) => number = (v) => (v as { expiresAtMs: number }).expiresAtMs,
  ): void {
    if (map.size < max) return;
    for (const [k, v] of map) if (expiresAtMs(v) <= now) map.delete(k);
    while (map.size >= max) map.delete(map.keys().next().value as string);
  }
}
