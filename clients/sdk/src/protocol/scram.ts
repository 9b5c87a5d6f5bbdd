/**
 * SCRAM (RFC 5802) with SHA-256 and SHA-512 (RFC 7677), as Kafka's SCRAM-SHA-256/512:
 * the client proves it knows the password without sending it, the broker proves it holds
 * the user's credential, and what is stored (salt, iterations, StoredKey, ServerKey)
 * cannot be used to log in. Both sides are here, so the SDK and the broker compute the
 * same thing the same way; the broker's exchange and sessions are in src/security.
 *
 * Messages, without channel binding (gs2 header "n,,"):
 *   client-first  n,,n=<user>,r=<client nonce>
 *   server-first  r=<client nonce + server nonce>,s=<salt base64>,i=<iterations>
 *   client-final  c=biws,r=<nonce>,p=<proof base64>
 *   server-final  v=<server signature base64>   (or e=<error>)
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

export const SCRAM_MECHANISMS = {
  "SCRAM-SHA-256": { hash: "sha256", bytes: 32 },
  "SCRAM-SHA-512": { hash: "sha512", bytes: 64 },
} as const;
export type ScramMechanism = keyof typeof SCRAM_MECHANISMS;

/** Kafka's bounds on the iteration count: fewer is too cheap to guess, more too slow to check. */
export const SCRAM_ITERATIONS_MIN = 4096;
export const SCRAM_ITERATIONS_MAX = 16384;
/** Longest SCRAM message either side accepts (a user name, nonces, base64 keys). */
export const SCRAM_MESSAGE_MAX_BYTES = 4096;

/** What a broker stores for a user and mechanism: never the password. */
export interface ScramCredential {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

export function isScramMechanism(name: string): name is ScramMechanism {
  return Object.hasOwn(SCRAM_MECHANISMS, name);
}

function hmac(mechanism: ScramMechanism, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(SCRAM_MECHANISMS[mechanism].hash, key).update(data).digest();
}

function hash(mechanism: ScramMechanism, data: Buffer): Buffer {
  return createHash(SCRAM_MECHANISMS[mechanism].hash).update(data).digest();
}

/** Hi(Normalize(password), salt, i): PBKDF2 with the mechanism's HMAC. (SASLprep is approximated by NFKC.) */
export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  const { hash: h, bytes } = SCRAM_MECHANISMS[mechanism];
  return pbkdf2Sync(password.normalize("NFKC"), salt, iterations, bytes, h);
}

/** The stored credential from a salted password (what Kafka's AlterUserScramCredentials sends). */
export function credentialFromSaltedPassword(
  mechanism: ScramMechanism,
  salted: Buffer,
  salt: Buffer,
  iterations: number,
): ScramCredential {
  const clientKey = hmac(mechanism, salted, "Client Key");
  return { salt, iterations, storedKey: hash(mechanism, clientKey), serverKey: hmac(mechanism, salted, "Server Key") };
}

/** `=` and `,` in a user name, escaped as RFC 5802 says. */
function escapeName(name: string): string {
  return name.replace(/=/g, "=3D").replace(/,/g, "=2C");
}

function unescapeName(name: string): string | null {
  if (/=(?!2C|3D)/.test(name)) return null;
  return name.replace(/=2C/g, ",").replace(/=3D/g, "=");
}

/** `k=v` attributes of a SCRAM message, in order; null when it does not read as one. */
function attributes(message: string): Map<string, string> | null {
  if (message.length > SCRAM_MESSAGE_MAX_BYTES) return null;
  const out = new Map<string, string>();
  for (const part of message.split(",")) {
    const m = /^([a-zA-Z])=(.*)$/s.exec(part);
    if (!m || out.has(m[1]!)) return null;
    out.set(m[1]!, m[2]!);
  }
  return out;
}

function nonce(): string {
  return randomBytes(24).toString("base64").replace(/[+/=]/g, "");
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The client's side of one exchange. */
export class ScramClient {
  private readonly clientNonce: string;
  private readonly firstBare: string;
  private expectedServerSignature: Buffer | null = null;

  constructor(
    private readonly mechanism: ScramMechanism,
    readonly username: string,
    private readonly password: string,
    clientNonce: string = nonce(),
  ) {
    this.clientNonce = clientNonce;
    this.firstBare = `n=${escapeName(username)},r=${clientNonce}`;
  }

  first(): string {
    return `n,,${this.firstBare}`;
  }

  /** The client-final message for the broker's server-first; throws when the server-first is not acceptable. */
  final(serverFirst: string): string {
    const a = attributes(serverFirst);
    const combined = a?.get("r");
    const salt = a?.get("s");
    const iterations = Number(a?.get("i"));
    if (
      !a ||
      !combined ||
      salt === undefined ||
      !combined.startsWith(this.clientNonce) ||
      combined === this.clientNonce
    )
      throw new Error("the broker's SCRAM challenge does not continue this exchange");
    if (!Number.isInteger(iterations) || iterations < SCRAM_ITERATIONS_MIN || iterations > SCRAM_ITERATIONS_MAX)
      throw new Error(
        `the broker asked for ${a.get("i")} SCRAM iterations, outside ${SCRAM_ITERATIONS_MIN}..${SCRAM_ITERATIONS_MAX}`,
      );
    const salted = saltedPassword(this.mechanism, this.password, Buffer.from(salt, "base64"), iterations);
    const clientKey = hmac(this.mechanism, salted, "Client Key");
    const withoutProof = `c=biws,r=${combined}`;
    const authMessage = `${this.firstBare},${serverFirst},${withoutProof}`;
    const signature = hmac(this.mechanism, hash(this.mechanism, clientKey), authMessage);
    this.expectedServerSignature = hmac(this.mechanism, hmac(this.mechanism, salted, "Server Key"), authMessage);
    return `${withoutProof},p=${xor(clientKey, signature).toString("base64")}`;
  }

  /** Whether the broker proved it holds this user's credential (its server-final). */
  verifyServer(serverFinal: string): boolean {
    const v = attributes(serverFinal)?.get("v");
    return (
      this.expectedServerSignature !== null &&
      v !== undefined &&
      equal(Buffer.from(v, "base64"), this.expectedServerSignature)
    );
  }
}

/** The broker's side of one exchange, after it has read the client-first message. */
export class ScramServerExchange {
  readonly serverFirst: string;
  private readonly combinedNonce: string;

  private constructor(
    private readonly mechanism: ScramMechanism,
    readonly username: string,
    private readonly firstBare: string,
    private readonly credential: ScramCredential,
    serverNonce: string,
    clientNonce: string,
  ) {
    this.combinedNonce = clientNonce + serverNonce;
    this.serverFirst = `r=${this.combinedNonce},s=${credential.salt.toString("base64")},i=${credential.iterations}`;
  }

  /**
   * Reads a client-first message; `credentialOf` gives the user's credential, or null for
   * an unknown user, who then gets a made-up challenge and fails at the proof, like any
   * wrong password (the answer does not tell which user names exist). Null when the
   * message is malformed.
   */
  static start(
    mechanism: ScramMechanism,
    clientFirst: string,
    credentialOf: (username: string) => ScramCredential | null,
    serverNonce: string = nonce(),
  ): ScramServerExchange | null {
    if (!clientFirst.startsWith("n,,")) return null; // no channel binding, no authzid
    const firstBare = clientFirst.slice(3);
    const a = attributes(firstBare);
    const name = a?.get("n");
    const clientNonce = a?.get("r");
    if (a?.size !== 2 || !name || !clientNonce || !/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) return null;
    const username = unescapeName(name);
    if (username === null) return null;
    const credential = credentialOf(username) ?? {
      salt: hash(mechanism, Buffer.from(`unknown:${username}`)).subarray(0, 16),
      iterations: SCRAM_ITERATIONS_MIN,
      storedKey: randomBytes(SCRAM_MECHANISMS[mechanism].bytes),
      serverKey: randomBytes(SCRAM_MECHANISMS[mechanism].bytes),
    };
    return new ScramServerExchange(mechanism, username, firstBare, credential, serverNonce, clientNonce);
  }

  /** The server-final message when the client's proof holds, else null. Constant-time comparison. */
  finish(clientFinal: string): string | null {
    const a = attributes(clientFinal);
    const proof = a?.get("p");
    if (a?.get("c") !== "biws" || a.get("r") !== this.combinedNonce || proof === undefined) return null;
    const withoutProof = clientFinal.slice(0, clientFinal.lastIndexOf(",p="));
    const authMessage = `${this.firstBare},${this.serverFirst},${withoutProof}`;
    const signature = hmac(this.mechanism, this.credential.storedKey, authMessage);
    const proofBytes = Buffer.from(proof, "base64");
    if (proofBytes.length !== signature.length) return null;
    const clientKey = xor(proofBytes, signature);
    if (!equal(hash(this.mechanism, clientKey), this.credential.storedKey)) return null;
    return `v=${hmac(this.mechanism, this.credential.serverKey, authMessage).toString("base64")}`;
  }
}
