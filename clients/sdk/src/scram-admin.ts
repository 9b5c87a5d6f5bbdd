/**
 * SCRAM credentials behind `client.admin()`, as Kafka's Admin alterUserScramCredentials
 * and describeUserScramCredentials (KIP-554): the password is salted and iterated here,
 * so it never leaves this process; brokers keep only what checks a proof of it.
 */
import { randomBytes } from "node:crypto";
import { callAnyBroker } from "./admin-retry.js";
import { errorOf } from "./admin-wire.js";
import type { ClientContext } from "./client-context.js";
import { TidelogError } from "./errors.js";
import {
  isScramMechanism,
  SCRAM_ITERATIONS_MAX,
  SCRAM_ITERATIONS_MIN,
  SCRAM_MECHANISMS,
  type ScramMechanism,
  saltedPassword,
} from "./protocol/scram.js";

/** Set a user's credential for a mechanism (4096 iterations by default, as Kafka), or delete it. */
export type ScramCredentialChange =
  | {
      readonly user: string;
      readonly mechanism: ScramMechanism;
      readonly password: string;
      readonly iterations?: number;
    }
  | { readonly user: string; readonly mechanism: ScramMechanism; readonly delete: true };

export interface UserScramCredentials {
  readonly user: string;
  readonly credentials: readonly { readonly mechanism: ScramMechanism; readonly iterations: number }[];
}

/** Salt bytes of a new credential. */
const SALT_BYTES = 32;
/** Changes one call may carry (the broker's bound). */
const CHANGES_PER_CALL_MAX = 1000;

function invalid(detail: string): TidelogError {
  return new TidelogError("INVALID_REQUEST", detail);
}

export class ScramAdmin {
  constructor(private readonly ctx: ClientContext) {}

  /** Applies the changes; throws the first user's error (the other users' changes may have applied). */
  async alterUserScramCredentials(changes: readonly ScramCredentialChange[]): Promise<void> {
    if (changes.length === 0) throw invalid("no SCRAM credential changes given");
    if (changes.length > CHANGES_PER_CALL_MAX)
      throw invalid(`at most ${CHANGES_PER_CALL_MAX} changes per call, got ${changes.length}`);
    const deletions: { name: string; mechanism: string }[] = [];
    const upsertions: { name: string; mechanism: string; iterations: number; salt: Buffer; saltedPassword: Buffer }[] =
      [];
    for (const c of changes) {
      if (typeof c.user !== "string" || c.user === "") throw invalid("a SCRAM credential needs a user name");
      if (!isScramMechanism(c.mechanism))
        throw invalid(
          `mechanism must be ${Object.keys(SCRAM_MECHANISMS).join(" or ")}, got ${JSON.stringify(c.mechanism)}`,
        );
      if ("delete" in c) {
        deletions.push({ name: c.user, mechanism: c.mechanism });
        continue;
      }
      if (typeof c.password !== "string" || c.password === "") throw invalid(`${c.user}: a password is required`);
      const iterations = c.iterations ?? SCRAM_ITERATIONS_MIN;
      if (!Number.isInteger(iterations) || iterations < SCRAM_ITERATIONS_MIN || iterations > SCRAM_ITERATIONS_MAX)
        throw invalid(`iterations must be ${SCRAM_ITERATIONS_MIN}..${SCRAM_ITERATIONS_MAX}, got ${iterations}`);
      const salt = randomBytes(SALT_BYTES);
      upsertions.push({
        name: c.user,
        mechanism: c.mechanism,
        iterations,
        salt,
        saltedPassword: saltedPassword(c.mechanism, c.password, salt, iterations),
      });
    }
    const response = await callAnyBroker(this.ctx, "alterUserScramCredentials", { deletions, upsertions });
    const error = response.results.map((r) => errorOf(r.error)).find((e) => e !== null);
    if (error) throw error;
  }

  /** The users with SCRAM credentials (all, or those named; a named user without any is an error). */
  async describeUserScramCredentials(users: readonly string[] = []): Promise<UserScramCredentials[]> {
    const response = await callAnyBroker(this.ctx, "describeUserScramCredentials", { names: [...users] });
    return response.users.map((u) => {
      const error = errorOf(u.error);
      if (error) throw error;
      return {
        user: u.name,
        credentials: u.credentials.map((c) => ({ mechanism: c.mechanism as ScramMechanism, iterations: c.iterations })),
      };
    });
  }
}
