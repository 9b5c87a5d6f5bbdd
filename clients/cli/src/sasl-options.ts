/**
 * SCRAM for the CLI's connection: the user from `--sasl-username` (or
 * TIDELOG_SASL_USERNAME), the mechanism from `--sasl-mechanism` (or
 * TIDELOG_SASL_MECHANISM; SCRAM-SHA-256 by default), and the password only from
 * TIDELOG_SASL_PASSWORD: a password on the command line is readable by every user of the
 * machine in the process list.
 */
import type { SaslOptions } from "@tidelog/client";
import { UsageError } from "./exit-codes.js";

export const SASL_ENV = {
  username: "TIDELOG_SASL_USERNAME",
  password: "TIDELOG_SASL_PASSWORD",
  mechanism: "TIDELOG_SASL_MECHANISM",
} as const;

export const SASL_MECHANISMS = ["SCRAM-SHA-256", "SCRAM-SHA-512"] as const;

export interface SaslFlags {
  readonly saslUsername?: string;
  readonly saslMechanism?: string;
}

export function parseMechanism(value: string): SaslOptions["mechanism"] {
  const upper = value.toUpperCase();
  const found = SASL_MECHANISMS.find((m) => m === upper);
  if (!found) throw new UsageError(`'${value}' is not a SASL mechanism (${SASL_MECHANISMS.join(", ")}).`);
  return found;
}

/** The SDK's `sasl` option for this run, or undefined without a user. */
export function saslFor(flags: SaslFlags, env: Readonly<Record<string, string | undefined>>): SaslOptions | undefined {
  const username = flags.saslUsername ?? (env[SASL_ENV.username] || undefined);
  if (username === undefined) return undefined;
  const password = env[SASL_ENV.password];
  if (!password)
    throw new UsageError(
      `set ${SASL_ENV.password} to ${username}'s password: the CLI never takes a password on its command line, where the process list shows it.`,
    );
  const mechanism = parseMechanism(flags.saslMechanism ?? (env[SASL_ENV.mechanism] || "SCRAM-SHA-256"));
  return { mechanism, username, password };
}
