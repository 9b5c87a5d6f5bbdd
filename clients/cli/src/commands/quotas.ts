/**
 * `tidelog quotas set | remove | describe`: client quotas, as Kafka's
 * `kafka-configs.sh --entity-type users|clients --alter --add-config producer_byte_rate=...`
 * does them, with one option per quota. An entity is a user (--user, or --user-default
 * for every user without one of their own), a client id (--client-id, --client-id-default),
 * or one of each. Options are checked here (exit 2) before anything is sent.
 */
import { InvalidArgumentError } from "@commander-js/extra-typings";
import type { QuotaDescription, QuotaEntity, QuotaKind } from "@tidelog/client";
import { UsageError } from "../exit-codes.js";
import { examples } from "../help.js";
import type { Program } from "../program.js";
import type { Session } from "../session.js";

type Quotas = ReturnType<Program["command"]>;

const KINDS: readonly QuotaKind[] = ["producer_byte_rate", "consumer_byte_rate", "request_rate"];

/** A rate: a positive number, with an optional binary suffix for bytes (1MiB, 512KiB). */
function parseRate(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(KiB|MiB|GiB)?$/i.exec(value.trim());
  const unit = m?.[2]?.toLowerCase();
  const n = m
    ? Number(m[1]) * (unit === "kib" ? 1024 : unit === "mib" ? 1024 ** 2 : unit === "gib" ? 1024 ** 3 : 1)
    : 0;
  if (!(n > 0) || !Number.isFinite(n))
    throw new InvalidArgumentError(`'${value}' is not a rate above 0 (a number, or bytes like 512KiB, 10MiB).`);
  return n;
}

function parseName(value: string): string {
  if (value === "") throw new InvalidArgumentError("a name is required.");
  return value;
}

interface EntityOptions {
  readonly user?: string;
  readonly userDefault?: true;
  readonly clientId?: string;
  readonly clientIdDefault?: true;
}

function withEntityOptions<C extends Quotas>(command: C) {
  return command
    .option("--user <name>", "a user: a principal's name without User: (alice, CN=app,O=Acme)", parseName)
    .option("--user-default", "the default user: every user without a quota of their own")
    .option("--client-id <id>", "a client id (the SDK's clientId option)", parseName)
    .option("--client-id-default", "the default client id: each client id without a quota of its own");
}

function entityOf(options: EntityOptions, required: boolean): QuotaEntity {
  if (options.user !== undefined && options.userDefault)
    throw new UsageError("give --user or --user-default, not both.");
  if (options.clientId !== undefined && options.clientIdDefault)
    throw new UsageError("give --client-id or --client-id-default, not both.");
  const entity: { user?: string | null; clientId?: string | null } = {};
  if (options.user !== undefined || options.userDefault) entity.user = options.user ?? null;
  if (options.clientId !== undefined || options.clientIdDefault) entity.clientId = options.clientId ?? null;
  if (required && entity.user === undefined && entity.clientId === undefined)
    throw new UsageError("name an entity: --user, --user-default, --client-id or --client-id-default.");
  return entity;
}

function describeEntity(entity: QuotaEntity): string {
  const parts: string[] = [];
  if (entity.user !== undefined) parts.push(entity.user === null ? "user <default>" : `user ${entity.user}`);
  if (entity.clientId !== undefined)
    parts.push(entity.clientId === null ? "client id <default>" : `client id ${entity.clientId}`);
  return parts.join(", ");
}

export function registerQuotaCommands(program: Program, session: Session): void {
  const quotas = program
    .command("quotas")
    .description(
      "Set, remove and describe client quotas: produce and fetch bytes/s and requests/s per user and client id (like Kafka's kafka-configs.sh for users and clients).",
    )
    .addHelpText(
      "after",
      `
A client over a quota is slowed down, never refused: each broker holds its answers back
long enough that its rate over the last seconds (quota.window.num x quota.window.size.seconds)
falls to the quota, and the answer says for how long. Quotas are per broker, as in Kafka:
a client spread over three brokers can use three times its quota in all. A request counts
against the most specific quota set: user + client id, then user, then the defaults.
${examples(
  "tidelog quotas set --client-id reports --consumer-byte-rate 10MiB",
  "tidelog quotas set --user alice --producer-byte-rate 1MiB --request-rate 200",
  "tidelog quotas set --user-default --producer-byte-rate 50MiB",
  "tidelog quotas describe",
  "tidelog quotas remove --user alice --request-rate",
)}`,
    );
  registerSet(quotas, session);
  registerRemove(quotas, session);
  registerDescribe(quotas, session);
}

function registerSet(quotas: Quotas, session: Session): void {
  withEntityOptions(quotas.command("set").description("Set quotas of a user, a client id, or both."))
    .option("--producer-byte-rate <rate>", "bytes/s this entity may produce (512KiB, 10MiB, 1048576)", parseRate)
    .option("--consumer-byte-rate <rate>", "bytes/s this entity may fetch", parseRate)
    .option("--request-rate <n>", "requests/s this entity may send", parseRate)
    .option("--dry-run", "check with the brokers, change nothing")
    .addHelpText(
      "after",
      `
Quotas not named keep their values. Brokers apply a change within a second.
${examples(
  "tidelog quotas set --client-id reports --consumer-byte-rate 10MiB",
  "tidelog quotas set --user alice --client-id etl --producer-byte-rate 5MiB",
  "tidelog quotas set --client-id-default --request-rate 1000 --dry-run",
)}`,
    )
    .action(async (options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const entity = entityOf(options, true);
      const set: Partial<Record<QuotaKind, number>> = {};
      if (options.producerByteRate !== undefined) set.producer_byte_rate = options.producerByteRate;
      if (options.consumerByteRate !== undefined) set.consumer_byte_rate = options.consumerByteRate;
      if (options.requestRate !== undefined) set.request_rate = options.requestRate;
      if (Object.keys(set).length === 0)
        throw new UsageError("name a quota: --producer-byte-rate, --consumer-byte-rate or --request-rate.");
      await session.admin().alterClientQuotas([{ entity, set }], { validateOnly: options.dryRun === true });
      if (output.json) return output.document({ entity, set, dryRun: options.dryRun === true });
      const what = Object.entries(set)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ");
      output.line(`${options.dryRun ? "Would set" : "Set"} ${what} for ${describeEntity(entity)}.`);
    });
}

function registerRemove(quotas: Quotas, session: Session): void {
  withEntityOptions(quotas.command("remove").description("Remove quotas of a user, a client id, or both."))
    .option("--producer-byte-rate", "remove the produce bytes/s quota")
    .option("--consumer-byte-rate", "remove the fetch bytes/s quota")
    .option("--request-rate", "remove the requests/s quota")
    .option("--all", "remove every quota of the entity")
    .addHelpText(
      "after",
      examples("tidelog quotas remove --user alice --request-rate", "tidelog quotas remove --client-id reports --all"),
    )
    .action(async (options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const entity = entityOf(options, true);
      const remove = options.all
        ? [...KINDS]
        : KINDS.filter(
            (k) =>
              (k === "producer_byte_rate" && options.producerByteRate) ||
              (k === "consumer_byte_rate" && options.consumerByteRate) ||
              (k === "request_rate" && options.requestRate),
          );
      if (remove.length === 0)
        throw new UsageError(
          "name a quota to remove: --producer-byte-rate, --consumer-byte-rate, --request-rate or --all.",
        );
      await session.admin().alterClientQuotas([{ entity, remove }]);
      if (output.json) return output.document({ entity, removed: remove });
      output.line(`Removed ${remove.join(", ")} from ${describeEntity(entity)}.`);
    });
}

function registerDescribe(quotas: Quotas, session: Session): void {
  withEntityOptions(
    quotas.command("describe").description("Show the quotas set: all of them, or those of the entity given."),
  )
    .addHelpText(
      "after",
      examples("tidelog quotas describe", "tidelog quotas describe --user alice", "tidelog quotas describe --json"),
    )
    .action(async (options, command) => {
      const output = session.begin(command.optsWithGlobals());
      const entries: QuotaDescription[] = await session.admin().describeClientQuotas(entityOf(options, false));
      if (output.json) return output.document({ quotas: entries });
      if (entries.length === 0) return output.line("No quotas.");
      const name = (v: string | null | undefined) => (v === undefined ? "" : v === null ? "<default>" : v);
      output.table(
        ["User", "Client id", ...KINDS],
        entries.map((e) => [name(e.entity.user), name(e.entity.clientId), ...KINDS.map((k) => e.values[k] ?? null)]),
      );
    });
}
