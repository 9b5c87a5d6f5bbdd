/**
 * The TIDELOG_* environment variables, so that one the CLI does not read is not ignored
 * without a word: a typo such as TIDELOG_BOOSTRAP would otherwise send the CLI to
 * .tidelog/cluster.json (or nowhere) while the user believes the variable applies.
 *
 * Names read by other parts of tidelog are not warned about (a broker's container sets
 * TIDELOG_LOG_DIRS and the like, and someone may run the CLI there): the broker's
 * settings (TIDELOG_ + the setting's name, upper case, dots as underscores), `npm
 * start`'s and the test suite's. test/cli/config-names.test.ts pins the broker list to
 * src/server/config.ts.
 */

import { BOOTSTRAP_ENV, closestName } from "@tidelog/client";
import { SASL_ENV } from "./sasl-options.js";
import { SSL_ENV } from "./tls-options.js";

/** What the CLI itself reads. */
const CLI_VARIABLES: readonly string[] = [BOOTSTRAP_ENV, ...Object.values(SSL_ENV), ...Object.values(SASL_ENV)];

/** `npm start`'s (scripts/start.mjs) and the test suite's. */
const TOOL_VARIABLES: readonly string[] = [
  "TIDELOG_ETCD",
  "TIDELOG_ETCD_BIN",
  "TIDELOG_NO_INSTALL",
  "TIDELOG_SLOW",
  "TIDELOG_SOAK_SECONDS",
  "TIDELOG_TEST_DEBUG",
];

/** The broker's settings (src/server/config.ts), each also read as TIDELOG_<NAME>. */
export const BROKER_SETTINGS: readonly string[] = [
  "advertised.host",
  "authorizer.class.name",
  "auto.leader.rebalance.enable",
  "broker.id",
  "broker.rack",
  "broker.session.timeout.ms",
  "cluster.id",
  "controlled.shutdown.timeout.ms",
  "controller.reconcile.interval.ms",
  "controller.session.timeout.ms",
  "default.replication.factor",
  "etcd.endpoints",
  "etcd.password",
  "etcd.request.timeout.ms",
  "etcd.ssl.ca.location",
  "etcd.ssl.certificate.location",
  "etcd.ssl.key.location",
  "etcd.startup.timeout.ms",
  "etcd.username",
  "group.consumer.heartbeat.interval.ms",
  "group.consumer.max.size",
  "group.max.session.timeout.ms",
  "group.min.session.timeout.ms",
  "grpc.host",
  "grpc.port",
  "http.body.max.bytes",
  "http.host",
  "http.port",
  "http.request.rate.max",
  "leader.imbalance.check.interval.seconds",
  "leader.imbalance.per.broker.percentage",
  "log.cleaner.backoff.ms",
  "log.cleaner.dedupe.buffer.size",
  "log.cleaner.delete.retention.ms",
  "log.cleaner.io.max.bytes.per.second",
  "log.cleaner.max.compaction.lag.ms",
  "log.cleaner.min.cleanable.ratio",
  "log.cleaner.min.compaction.lag.ms",
  "log.cleanup.policy",
  "log.dirs",
  "log.flush.interval.messages",
  "log.flush.interval.ms",
  "log.flush.offset.checkpoint.interval.ms",
  "log.flush.scheduler.interval.ms",
  "log.index.interval.bytes",
  "log.index.size.max.bytes",
  "log.level",
  "log.open.files.max",
  "log.retention.bytes",
  "log.retention.check.interval.ms",
  "log.retention.ms",
  "log.roll.ms",
  "log.segment.bytes",
  "max.inflight.requests",
  "max.inflight.requests.per.connection",
  "max.streams",
  "max.streams.per.connection",
  "message.max.bytes",
  "metadata.resync.interval.ms",
  "metrics.partition.level",
  "min.insync.replicas",
  "num.partitions",
  "offset.metadata.max.bytes",
  "offsets.commit.timeout.ms",
  "offsets.topic.num.partitions",
  "offsets.topic.replication.factor",
  "offsets.topic.segment.bytes",
  "quota.window.num",
  "quota.window.size.seconds",
  "replica.fetch.max.bytes",
  "replica.fetch.wait.max.ms",
  "replica.lag.time.max.ms",
  "replication.port",
  "sasl.enabled.mechanisms",
  "sasl.failed.authentication.delay.ms",
  "sasl.session.lifetime.ms",
  "security.protocol",
  "shutdown.timeout.ms",
  "ssl.ca.location",
  "ssl.certificate.location",
  "ssl.client.auth",
  "ssl.endpoint.identification.algorithm",
  "ssl.key.location",
  "ssl.principal.mapping.rules",
  "ssl.refresh.interval.ms",
  "super.users",
  "transaction.abort.timed.out.transaction.cleanup.interval.ms",
  "transaction.max.timeout.ms",
  "transaction.state.log.min.isr",
  "transaction.state.log.num.partitions",
  "transaction.state.log.replication.factor",
  "transaction.state.log.segment.bytes",
  "transaction.state.log.write.timeout.ms",
  "unclean.recovery.timeout.ms",
];

function variableOf(setting: string): string {
  return `TIDELOG_${setting.toUpperCase().replace(/\./g, "_")}`;
}

const KNOWN: readonly string[] = [...CLI_VARIABLES, ...TOOL_VARIABLES, ...BROKER_SETTINGS.map(variableOf)];

/** One warning per TIDELOG_* variable that no part of tidelog reads, with the nearest known name. */
export function environmentWarnings(env: Readonly<Record<string, string | undefined>>): string[] {
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith("TIDELOG_") || env[name] === undefined || KNOWN.includes(name)) continue;
    // A near miss of the CLI's own variable is the likely one; else any known name.
    const near = closestName(name, CLI_VARIABLES, 4) ?? closestName(name, KNOWN);
    const suggestion = near === null ? `; the CLI reads ${CLI_VARIABLES.join(", ")}` : ` (did you mean ${near}?)`;
    warnings.push(`warning: the environment variable ${name} is not read by tidelog${suggestion}`);
  }
  return warnings;
}
