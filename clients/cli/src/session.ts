/**
 * One run of the CLI: the global options, the output mode, and the SDK client, made on
 * first use (so `--help` and usage errors never resolve a bootstrap or open a
 * connection) and closed when the run ends. It also turns a failure into its exit code
 * and message.
 */

import { CommanderError } from "@commander-js/extra-typings";
import { type Admin, Client, type ClientOptions, resolveBootstrap, TidelogError } from "@tidelog/client";
import { environmentWarnings } from "./environment.js";
import { ExitCode, exitCodeFor, UsageError } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { errorJson, Output } from "./output.js";
import { type SaslFlags, saslFor } from "./sasl-options.js";
import { type SslFlags, sslFor } from "./tls-options.js";

export interface GlobalOptions extends SslFlags, SaslFlags {
  readonly bootstrap?: string;
  readonly json?: true;
  readonly timeout?: number;
}

export class Session {
  exitCode: ExitCode = ExitCode.ok;
  /** The command prints JSON lines (produce, consume): an error document is one line too. */
  jsonLines = false;
  private client: Client | null = null;
  private globals: GlobalOptions = {};
  private bootstrapOrigin = "";
  /** The topic a produce or consume is about, for the advice when it does not exist. */
  private missingTopic: string | null = null;
  output: Output;

  constructor(readonly io: CliIo) {
    this.output = new Output(io, false);
  }

  /** Called first by every command's action with its merged options. */
  begin(globals: GlobalOptions): Output {
    this.globals = globals;
    this.output = new Output(this.io, globals.json === true);
    for (const warning of environmentWarnings(this.io.env)) this.output.note(warning);
    return this.output;
  }

  /** When the cluster says `topic` does not exist, advise creating it or --wait-for-topic. */
  hintMissingTopic(topic: string): void {
    this.missingTopic = topic;
  }

  admin(): Admin {
    return this.sdk().admin();
  }

  /** The SDK client, made on first use from the global options. */
  sdk(): Client {
    this.client ??= this.connect();
    return this.client;
  }

  /** The request timeout the user asked for (--timeout), if any. */
  get timeoutMs(): number | undefined {
    return this.globals.timeout;
  }

  /** Reports a failure and returns its exit code. */
  fail(e: unknown): ExitCode {
    if (e instanceof CommanderError) return e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    const code = exitCodeFor(e);
    if (e instanceof UsageError) {
      this.io.stderr.write(`error: ${e.message}\n`);
    } else if (e instanceof TidelogError) {
      this.reportCluster(e, code);
    } else {
      const detail = e instanceof Error ? e.stack : String(e);
      this.io.stderr.write(`error: unexpected failure (a bug in tidelog): ${detail}\n`);
    }
    return code;
  }

  async close(): Promise<void> {
    await this.client?.close();
  }

  private reportCluster(e: TidelogError, code: ExitCode): void {
    if (this.output.json && this.jsonLines) this.output.line(JSON.stringify({ error: errorJson(e) }));
    else if (this.output.json) this.output.document({ error: errorJson(e) });
    this.output.problem(e);
    if (code === ExitCode.unreachable) {
      this.output.note(
        `hint: is the cluster running? Bootstrap brokers ${this.client?.brokers.join(",")} came from ${this.bootstrapOrigin}.`,
      );
    }
    if (this.missingTopic !== null && e.code === "UNKNOWN_TOPIC_OR_PARTITION" && /does not exist/.test(e.detail)) {
      this.output.note(
        `hint: topics are not created on first use: create it (tidelog topics create ${this.missingTopic}), or add --wait-for-topic to wait until it exists.`,
      );
    }
  }

  /**
   * A separate client of `brokers` with this run's options (TLS, timeout), closed by the
   * caller: for a command that follows brokers to new addresses (`brokers roll`).
   */
  connectTo(brokers: string): Client {
    return new Client({
      brokers,
      clientId: "tidelog-cli",
      requestTimeoutMs: this.globals.timeout,
      ...this.security(null),
    });
  }

  /** TLS and SCRAM options for this run; SCRAM needs TLS (trusting the system's CAs when no file is named). */
  private security(clusterFile: string | null): Pick<ClientOptions, "ssl" | "sasl"> {
    const ssl = sslFor(this.globals, this.io.env, this.io.cwd, clusterFile);
    const sasl = saslFor(this.globals, this.io.env);
    if (sasl === undefined) return ssl === undefined ? {} : { ssl };
    return { ssl: ssl ?? true, sasl };
  }

  private connect(): Client {
    const { bootstrap, timeout } = this.globals;
    try {
      const resolved = resolveBootstrap({ brokers: bootstrap, env: this.io.env, cwd: this.io.cwd });
      this.bootstrapOrigin = resolved.source === "option" ? "--bootstrap" : resolved.origin;
      return new Client({
        brokers: resolved.brokers,
        clientId: "tidelog-cli",
        requestTimeoutMs: timeout,
        ...this.security(resolved.source === "file" ? resolved.origin : null),
      });
    } catch (e) {
      if (e instanceof TidelogError) throw new UsageError(e.message.replace(/^INVALID_CONFIG: /, ""), { cause: e });
      throw e;
    }
  }
}
