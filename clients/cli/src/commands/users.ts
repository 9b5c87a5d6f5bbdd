/**
 * `tidelog users create | delete | list`: SCRAM credentials (Kafka's
 * `kafka-configs.sh --entity-type users --alter --add-config 'SCRAM-SHA-256=[...]'`).
 * The password is asked for at the terminal (not echoed, twice) or read from standard
 * input when it is not a terminal, never from the command line; the CLI salts and
 * iterates it, and only that reaches the brokers.
 */
import { InvalidArgumentError } from "@commander-js/extra-typings";
import type { ScramCredentialChange } from "@tidelog/client";
import { UsageError } from "../exit-codes.js";
import { examples } from "../help.js";
import type { CliIo } from "../io.js";
import type { Program } from "../program.js";
import { parseMechanism, SASL_MECHANISMS } from "../sasl-options.js";
import type { Session } from "../session.js";

type Users = ReturnType<Program["command"]>;

/** The longest password read from standard input (a line, not a file). */
const PASSWORD_MAX_BYTES = 1024;

function parseIterations(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 4096 || n > 16384)
    throw new InvalidArgumentError(`'${value}' is not an iteration count of 4096..16384.`);
  return n;
}

function parseUser(value: string): string {
  if (value === "" || value.length > 1024) throw new InvalidArgumentError("a user name has 1..1024 characters.");
  return value;
}

/** The password: asked twice at a terminal, else the first line of standard input. */
async function readPassword(io: CliIo, user: string): Promise<string> {
  if (io.readSecret) {
    const first = await io.readSecret(`Password for ${user}: `);
    const again = await io.readSecret("Again: ");
    if (first !== again) throw new UsageError("the two passwords differ; nothing was changed.");
    if (first === "") throw new UsageError("the password is empty; nothing was changed.");
    return first;
  }
  let text = "";
  for await (const chunk of io.stdin ?? []) {
    text += chunk.toString();
    if (text.length > PASSWORD_MAX_BYTES) throw new UsageError(`a password has at most ${PASSWORD_MAX_BYTES} bytes.`);
  }
  const password = text.split(/\r?\n/)[0] ?? "";
  if (password === "")
    throw new UsageError(`no password on standard input: printf '%s' "$PASSWORD" | tidelog users create ${user}`);
  return password;
}

export function registerUserCommands(program: Program, session: Session): void {
  const users = program
    .command("users")
    .description("Create, delete and list users who authenticate with SCRAM (SCRAM-SHA-256, SCRAM-SHA-512).")
    .addHelpText(
      "after",
      `
Brokers with sasl.enabled.mechanisms let these users authenticate (the SDK's sasl option,
the CLI's --sasl-username with TIDELOG_SASL_PASSWORD); with the authorizer on, User:<name>
then gets what ACLs allow it. Passwords never appear on a command line: they are asked
for, or read from standard input.
${examples(
  "tidelog users create alice",
  "printf '%s' \"$ALICE_PASSWORD\" | tidelog users create alice --mechanism SCRAM-SHA-512",
  "tidelog users list",
  "tidelog users delete alice",
)}`,
    );
  registerCreate(users, session);
  registerDelete(users, session);
  registerList(users, session);
}

function registerCreate(users: Users, session: Session): void {
  users
    .command("create")
    .description("Create a user's SCRAM credential, or set a new password for it.")
    .argument("<user>", "the user name (User:<name> to the authorizer)", parseUser)
    .option("--mechanism <mechanism>", `${SASL_MECHANISMS.join(" or ")} (default SCRAM-SHA-256)`, parseMechanism)
    .option("--iterations <n>", "PBKDF2 iterations, 4096..16384 (default 4096)", parseIterations)
    .addHelpText(
      "after",
      `
Run again for the same user to change the password: sessions made with the old one end.
${examples("tidelog users create alice", "printf '%s' \"$PW\" | tidelog users create etl --iterations 8192")}`,
    )
    .action(async (user, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const mechanism = options.mechanism ?? "SCRAM-SHA-256";
      const password = await readPassword(session.io, user);
      const change: ScramCredentialChange = {
        user,
        mechanism,
        password,
        ...(options.iterations ? { iterations: options.iterations } : {}),
      };
      await session.admin().alterUserScramCredentials([change]);
      if (output.json) return output.document({ user, mechanism, iterations: options.iterations ?? 4096 });
      output.line(`Set the ${mechanism} credential of ${user}.`);
    });
}

function registerDelete(users: Users, session: Session): void {
  users
    .command("delete")
    .description("Delete a user's SCRAM credentials: every mechanism, or the one given.")
    .argument("<user>", "the user name", parseUser)
    .option("--mechanism <mechanism>", "only this mechanism's credential", parseMechanism)
    .addHelpText(
      "after",
      examples("tidelog users delete alice", "tidelog users delete alice --mechanism SCRAM-SHA-512"),
    )
    .action(async (user, options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const admin = session.admin();
      const mechanisms = options.mechanism
        ? [options.mechanism]
        : (await admin.describeUserScramCredentials([user])).flatMap((u) => u.credentials.map((c) => c.mechanism));
      await admin.alterUserScramCredentials(
        mechanisms.map((mechanism) => ({ user, mechanism, delete: true as const })),
      );
      if (output.json) return output.document({ user, deleted: mechanisms });
      output.line(
        `Deleted the ${mechanisms.join(" and ")} credential${mechanisms.length === 1 ? "" : "s"} of ${user}.`,
      );
    });
}

function registerList(users: Users, session: Session): void {
  users
    .command("list")
    .description("List the users with SCRAM credentials, their mechanisms and iterations (never a secret).")
    .addHelpText("after", examples("tidelog users list", "tidelog users list --json"))
    .action(async (_options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const listed = await session.admin().describeUserScramCredentials();
      if (output.json) return output.document({ users: listed });
      if (listed.length === 0) return output.line("No users.");
      output.table(
        ["User", "Mechanism", "Iterations"],
        listed.flatMap((u) => u.credentials.map((c) => [u.user, c.mechanism, c.iterations])),
      );
    });
}
