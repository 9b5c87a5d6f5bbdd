/**
 * The command tree: global options, help, and the command groups (one module each, in
 * ./commands). Made fresh for every run so nothing leaks between in-process runs.
 */
import { readFileSync } from "node:fs";
import { Command } from "@commander-js/extra-typings";
import { DEFAULT_REQUEST_TIMEOUT_MS, MAX_REQUEST_TIMEOUT_MS } from "@tidelog/client";
import { parseBootstrap, parsePositiveInt } from "./args.js";
import { registerAclCommands } from "./commands/acls.js";
import { registerBrokerCommands } from "./commands/brokers.js";
import { registerClusterCommands } from "./commands/cluster.js";
import { registerConsumeCommand } from "./commands/consume.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerGroupCommands } from "./commands/groups.js";
import { registerOffsetsCommand } from "./commands/offsets.js";
import { registerPartitionCommands } from "./commands/partitions.js";
import { registerProduceCommand } from "./commands/produce.js";
import { registerQuotaCommands } from "./commands/quotas.js";
import { registerTopicCommands } from "./commands/topics.js";
import { registerTransactionCommands } from "./commands/transactions.js";
import { registerUserCommands } from "./commands/users.js";
import { registerVerifyCommand } from "./commands/verify.js";
import { PROGRAM_HELP } from "./help.js";
import type { CliIo } from "./io.js";
import { SASL_ENV } from "./sasl-options.js";
import type { Session } from "./session.js";
import { SSL_ENV } from "./tls-options.js";

/** The version in the CLI's package.json (../package.json from both src/ and dist/). */
function cliVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const version = (pkg as { version?: unknown }).version;
  if (typeof version !== "string") throw new Error("the CLI's package.json has no version");
  return version;
}

function createRoot(io: CliIo) {
  return new Command()
    .name("tidelog")
    .version(cliVersion(), "-V, --version", "print the version of this tidelog CLI")
    .description(
      "Administer a tidelog cluster (brokers, topics, partitions and their moves, topic configs, consumer groups, transactions, ACLs, client quotas, SCRAM users), and produce and consume records.",
    )
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .option("--bootstrap <brokers>", "brokers to connect to first, host:port[,host:port...]", parseBootstrap)
    .option("--json", "print one JSON document on stdout instead of tables")
    .option("--ssl", "connect with TLS, trusting the system's CAs (implied by the --ssl-* files)")
    .option("--ssl-ca <file>", `PEM CA certificate(s) to trust for the brokers' certificates (or ${SSL_ENV.ca})`)
    .option("--ssl-cert <file>", `PEM client certificate, for brokers that require one (or ${SSL_ENV.cert})`)
    .option("--ssl-key <file>", `PEM key of --ssl-cert (or ${SSL_ENV.key})`)
    .option(
      "--sasl-username <name>",
      `authenticate with SCRAM as this user (or ${SASL_ENV.username}); the password comes from ${SASL_ENV.password} only`,
    )
    .option("--sasl-mechanism <mechanism>", `SCRAM-SHA-256 (default) or SCRAM-SHA-512 (or ${SASL_ENV.mechanism})`)
    .option(
      "--timeout <ms>",
      `give up on a request after this many milliseconds, retries included (default: ${DEFAULT_REQUEST_TIMEOUT_MS})`,
      (v) => parsePositiveInt(v, MAX_REQUEST_TIMEOUT_MS),
    )
    .addHelpText("after", PROGRAM_HELP);
}

export type Program = ReturnType<typeof createRoot>;

export function createProgram(io: CliIo, session: Session): Program {
  const program = createRoot(io);
  registerClusterCommands(program, session);
  registerBrokerCommands(program, session);
  registerTopicCommands(program, session);
  registerPartitionCommands(program, session);
  registerGroupCommands(program, session);
  registerTransactionCommands(program, session);
  registerAclCommands(program, session);
  registerQuotaCommands(program, session);
  registerUserCommands(program, session);
  registerVerifyCommand(program, session);
  registerDemoCommand(program, session);
  registerProduceCommand(program, session);
  registerConsumeCommand(program, session);
  registerOffsetsCommand(program, session);
  return program;
}
