/**
 * Users' SCRAM credentials in etcd (`users/<name>`, metadata-records.ts): the operations
 * behind AlterUserScramCredentials and DescribeUserScramCredentials (KIP-554). The client
 * sends a salt, an iteration count and the salted password; the broker keeps only what
 * SCRAM needs to check a proof (StoredKey, ServerKey), from which no one can log in.
 * Written by any broker with a compare on the revision it read, as quotas are
 * (quota-store.ts); brokers authenticate from what their watch delivers.
 */
import {
  credentialFromSaltedPassword,
  errorInfo,
  isScramMechanism,
  NO_ERROR,
  SCRAM_ITERATIONS_MAX,
  SCRAM_ITERATIONS_MIN,
  SCRAM_MECHANISMS,
  type ScramCredential,
  type ScramMechanism,
  type wire,
} from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { MetadataImage } from "../cluster/metadata-image.js";
import type { MetadataKv } from "../cluster/metadata-kv.js";
import { keys, parseUserRecord, type UserRecord } from "../cluster/metadata-records.js";
import { unavailableOnError } from "../cluster/metadata-store.js";

/** Changes one AlterUserScramCredentials may carry. */
export const SCRAM_ALTERATIONS_PER_REQUEST_MAX = 1000;
/** Users with credentials the cluster may hold: every broker keeps them in memory. */
export const SCRAM_USERS_MAX = 10_000;
/** Longest user name (a principal's name). */
export const SCRAM_USER_NAME_MAX_CHARS = 1024;
/** Times one user's change re-reads and retries after another broker changed the same user. */
const ALTER_ATTEMPTS_MAX = 5;

type Mechanisms = UserRecord["mechanisms"];

/**
 * A user's credential for a mechanism from the watched image, or null. Every call with a
 * session token asks (to see that the credential has not changed), so each stored
 * credential is decoded once per revision, not once per call.
 */
export function scramCredentialOf(
  image: () => MetadataImage,
): (user: string, mechanism: ScramMechanism) => { credential: ScramCredential; revision: number } | null {
  const decoded = new Map<string, { credential: ScramCredential; revision: number }>();
  return (user, mechanism) => {
    const stored = image().users.get(user);
    const c = stored?.value.mechanisms[mechanism];
    const key = `${mechanism}\u0000${user}`;
    if (!stored || !c) {
      decoded.delete(key);
      return null;
    }
    const known = decoded.get(key);
    if (known?.revision === stored.modRevision) return known;
    const fresh = {
      credential: {
        salt: Buffer.from(c.salt, "base64"),
        iterations: c.iterations,
        storedKey: Buffer.from(c.storedKey, "base64"),
        serverKey: Buffer.from(c.serverKey, "base64"),
      },
      revision: stored.modRevision,
    };
    // Users deleted since are dropped when next asked for; churn past the bound starts over.
    if (decoded.size >= 2 * SCRAM_USERS_MAX) decoded.clear();
    decoded.set(key, fresh);
    return fresh;
  };
}

function invalid(message: string): TidelogError {
  return new TidelogError("INVALID_REQUEST", message);
}

function asTidelogError(e: unknown): TidelogError {
  return e instanceof TidelogError ? e : new TidelogError("UNKNOWN_SERVER_ERROR", String((e as Error)?.message ?? e));
}

function checkName(name: string): void {
  if (name.length === 0 || name.length > SCRAM_USER_NAME_MAX_CHARS)
    throw invalid(`a user name has 1..${SCRAM_USER_NAME_MAX_CHARS} characters`);
}

function checkMechanism(mechanism: string): ScramMechanism {
  if (!isScramMechanism(mechanism))
    throw new TidelogError(
      "UNSUPPORTED_SASL_MECHANISM",
      `unknown SCRAM mechanism ${mechanism || '""'}: expected ${Object.keys(SCRAM_MECHANISMS).join(" or ")}`,
    );
  return mechanism;
}

export class ScramStore {
  constructor(private readonly kv: MetadataKv) {}

  async alter(req: wire.AlterUserScramCredentialsRequest__Output): Promise<wire.AlterUserScramCredentialsResponse> {
    const count = req.deletions.length + req.upsertions.length;
    if (count > SCRAM_ALTERATIONS_PER_REQUEST_MAX)
      throw invalid(`at most ${SCRAM_ALTERATIONS_PER_REQUEST_MAX} changes per request, got ${count}`);
    // Per user, in the order first named: what to delete and what to set.
    const byUser = new Map<string, { error: TidelogError | null; set: Mechanisms; remove: Set<ScramMechanism> }>();
    const entry = (name: string) => {
      const known = byUser.get(name);
      if (known) return known;
      const made = { error: null as TidelogError | null, set: {} as Mechanisms, remove: new Set<ScramMechanism>() };
      byUser.set(name, made);
      return made;
    };
    for (const d of req.deletions) {
      const e = entry(d.name);
      try {
        checkName(d.name);
        const m = checkMechanism(d.mechanism);
        if (e.remove.has(m) || m in e.set) throw invalid(`${d.name}: ${m} is changed twice in one request`);
        e.remove.add(m);
      } catch (err) {
        e.error ??= asTidelogError(err);
      }
    }
    for (const u of req.upsertions) {
      const e = entry(u.name);
      try {
        checkName(u.name);
        const m = checkMechanism(u.mechanism);
        if (e.remove.has(m) || m in e.set) throw invalid(`${u.name}: ${m} is changed twice in one request`);
        if (
          !Number.isInteger(u.iterations) ||
          u.iterations < SCRAM_ITERATIONS_MIN ||
          u.iterations > SCRAM_ITERATIONS_MAX
        )
          throw new TidelogError(
            "UNACCEPTABLE_CREDENTIAL",
            `${u.name}: iterations must be ${SCRAM_ITERATIONS_MIN}..${SCRAM_ITERATIONS_MAX}, got ${u.iterations}`,
          );
        const salt = Buffer.from(u.salt);
        const salted = Buffer.from(u.saltedPassword);
        if (salt.length < 16 || salt.length > 1024)
          throw new TidelogError("UNACCEPTABLE_CREDENTIAL", `${u.name}: a salt has 16..1024 bytes`);
        if (salted.length !== SCRAM_MECHANISMS[m].bytes)
          throw new TidelogError(
            "UNACCEPTABLE_CREDENTIAL",
            `${u.name}: a ${m} salted password has ${SCRAM_MECHANISMS[m].bytes} bytes, got ${salted.length}`,
          );
        const c = credentialFromSaltedPassword(m, salted, salt, u.iterations);
        e.set[m] = {
          salt: c.salt.toString("base64"),
          iterations: c.iterations,
          storedKey: c.storedKey.toString("base64"),
          serverKey: c.serverKey.toString("base64"),
        };
      } catch (err) {
        e.error ??= asTidelogError(err);
      }
    }
    const results: wire.AlterUserScramCredentialsResult[] = [];
    for (const [name, e] of byUser) {
      try {
        if (e.error) throw e.error;
        await this.apply(name, e.set, e.remove);
        results.push({ name, error: NO_ERROR });
      } catch (err) {
        results.push({ name, error: errorInfo(asTidelogError(err)) });
      }
    }
    return { results, error: NO_ERROR };
  }

  async describe(
    req: wire.DescribeUserScramCredentialsRequest__Output,
  ): Promise<wire.DescribeUserScramCredentialsResponse> {
    const { entries } = await unavailableOnError("read SCRAM credentials", () => this.kv.getAll(keys.usersPrefix));
    const stored = new Map<string, UserRecord>();
    for (const e of entries) {
      const parsed = parseUserRecord(e.value);
      if (parsed.ok) stored.set(parsed.value.name, parsed.value);
    }
    const names = req.names.length > 0 ? [...new Set(req.names)] : [...stored.keys()].sort();
    return {
      error: NO_ERROR,
      users: names.map((name) => {
        const user = stored.get(name);
        if (!user)
          return {
            name,
            error: errorInfo(new TidelogError("RESOURCE_NOT_FOUND", `user ${name} has no SCRAM credentials`)),
            credentials: [],
          };
        return {
          name,
          error: NO_ERROR,
          credentials: Object.entries(user.mechanisms).flatMap(([mechanism, c]) =>
            c ? [{ mechanism, iterations: c.iterations }] : [],
          ),
        };
      }),
    };
  }

  /** Read, change, write back if nobody changed the user meanwhile; a user left with no credential is deleted. */
  private async apply(name: string, set: Mechanisms, remove: ReadonlySet<ScramMechanism>): Promise<void> {
    const key = keys.user(name);
    for (let attempt = 1; attempt <= ALTER_ATTEMPTS_MAX; attempt++) {
      const current = await unavailableOnError("read SCRAM credentials", () => this.kv.get(key));
      const parsed = current ? parseUserRecord(current.value) : null;
      const mechanisms: Mechanisms = { ...(parsed?.ok ? parsed.value.mechanisms : {}) };
      for (const m of remove) {
        if (!mechanisms[m])
          throw new TidelogError("RESOURCE_NOT_FOUND", `user ${name} has no ${m} credential to delete`);
        delete mechanisms[m];
      }
      Object.assign(mechanisms, set);
      const empty = Object.keys(mechanisms).length === 0;
      if (!current && empty) return;
      if (!current) await this.checkRoom();
      const guard = current
        ? { key, target: "Mod" as const, value: current.modRevision }
        : { key, target: "Create" as const, value: 0 };
      const op = empty
        ? { kind: "delete" as const, key }
        : { kind: "put" as const, key, value: JSON.stringify({ name, mechanisms } satisfies UserRecord) };
      const res = await unavailableOnError("write SCRAM credentials", () => this.kv.txn([guard], [op]));
      if (res.succeeded) return;
    }
    throw new TidelogError(
      "REQUEST_TIMED_OUT",
      `the credentials of ${name} kept changing under this request (${ALTER_ATTEMPTS_MAX} attempts); try again`,
    );
  }

  private async checkRoom(): Promise<void> {
    const { entries } = await unavailableOnError("read SCRAM credentials", () => this.kv.getAll(keys.usersPrefix));
    if (entries.length >= SCRAM_USERS_MAX)
      throw new TidelogError("POLICY_VIOLATION", `the cluster already holds ${SCRAM_USERS_MAX} users, the most it may`);
  }
}
