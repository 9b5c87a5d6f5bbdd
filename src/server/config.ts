/**
 * The broker's configuration: one schema, four sources, validated at the edge.
 *
 * Precedence: defaults < file (`--config path`, Java-properties `key=value` lines or a
 * JSON object) < environment (`TIDELOG_BROKER_ID` for `broker.id`: upper case, dots as
 * underscores) < command-line flags (`--broker.id=1` or `--broker.id 1`).
 *
 * Names are Kafka's at the edge (`log.dirs`, `num.partitions`, `log.retention.ms`) and
 * camelCase inside; this module is the one place that translates them. Unknown names are
 * refused with a suggestion, so a typo never silently falls back to a default. This is
 * the only module that reads `process.env`-shaped input; it takes it as a parameter.
 */
import { readFileSync } from "node:fs";
import { TidelogError } from "@tidelog/client/record";
import Type from "typebox";
import Value from "typebox/value";
import {
  type Principal,
  type PrincipalMappingRule,
  parsePrincipalList,
  parsePrincipalMappingRules,
} from "../security/principal.js";
import { DEFAULT_LOG_CONFIG, type LogConfig, logConfigFromProperties } from "../storage/log-config.js";

const int = (min: number, max: number, def: number, description: string) =>
  Type.Integer({ minimum: min, maximum: max, default: def, description });
const str = (def: string, description: string, pattern?: string) =>
  Type.String({ default: def, description, ...(pattern ? { pattern } : {}) });
const MAX_INT = Number.MAX_SAFE_INTEGER;
const PORT_MAX = 65535;

/** Broker-level names of topic defaults, as Kafka spells them, and the topic key each sets. */
const LOG_DEFAULT_KEYS: Readonly<Record<string, string>> = {
  "log.segment.bytes": "segment.bytes",
  "log.roll.ms": "segment.ms",
  "log.index.size.max.bytes": "segment.index.bytes",
  "log.index.interval.bytes": "index.interval.bytes",
  "log.retention.ms": "retention.ms",
  "log.retention.bytes": "retention.bytes",
  "log.flush.interval.messages": "flush.messages",
  "log.flush.interval.ms": "flush.ms",
  "message.max.bytes": "max.message.bytes",
  "log.cleanup.policy": "cleanup.policy",
  "log.cleaner.delete.retention.ms": "delete.retention.ms",
  "log.cleaner.min.cleanable.ratio": "min.cleanable.dirty.ratio",
  "log.cleaner.min.compaction.lag.ms": "min.compaction.lag.ms",
  "log.cleaner.max.compaction.lag.ms": "max.compaction.lag.ms",
  "min.insync.replicas": "min.insync.replicas",
};

export const BrokerConfigSchema = Type.Object(
  {
    "broker.id": Type.Integer({
      minimum: 0,
      maximum: 2 ** 31 - 1,
      description: "This broker's id, unique in the cluster. Required.",
    }),
    "broker.rack": str("", "Rack (or zone) of this broker, for rack-aware replica placement; empty for none."),
    "cluster.id": str(
      "tidelog",
      "Name of the cluster: the etcd key prefix /tidelog/<cluster.id>/.",
      "^[a-zA-Z0-9._-]{1,64}$",
    ),
    "etcd.endpoints": str("http://127.0.0.1:2379", "Comma-separated etcd client URLs."),
    "etcd.request.timeout.ms": int(100, 120_000, 5000, "Deadline of every etcd request."),
    "etcd.ssl.ca.location": str(
      "",
      "PEM file with the CA that signed etcd's server certificate; empty trusts the system's CAs. Only with https:// etcd.endpoints.",
    ),
    "etcd.ssl.certificate.location": str(
      "",
      "PEM client certificate this broker presents to etcd (etcd's --client-cert-auth); with etcd.ssl.key.location.",
    ),
    "etcd.ssl.key.location": str("", "PEM private key of etcd.ssl.certificate.location."),
    "etcd.username": str("", "etcd user (etcd's auth); empty: no password authentication."),
    "etcd.password": str(
      "",
      "Password of etcd.username. Prefer the environment (TIDELOG_ETCD_PASSWORD) or a config file only the broker can read over a flag, which other users can see in the process list.",
    ),
    "etcd.startup.timeout.ms": int(1000, MAX_INT, 120_000, "How long start-up waits for etcd before giving up."),
    "log.dirs": str("./data", "Directory holding this broker's partition logs."),
    "log.open.files.max": int(16, 1_000_000, 1024, "Most segment files held open at once."),
    "log.flush.scheduler.interval.ms": int(10, MAX_INT, 1000, "How often flush.ms is checked."),
    "log.retention.check.interval.ms": int(10, MAX_INT, 300_000, "How often retention runs."),
    "log.cleaner.io.max.bytes.per.second": int(
      1024,
      MAX_INT,
      10 * 1024 * 1024,
      "Bytes per second log compaction may read plus write.",
    ),
    "log.cleaner.backoff.ms": int(10, MAX_INT, 15_000, "How long the log cleaner sleeps when no log needs compacting."),
    "log.cleaner.dedupe.buffer.size": int(
      1024 * 1024,
      2 ** 31 - 1,
      64 * 1024 * 1024,
      "Memory of one compaction pass's key -> offset map; a pass ends early when it is full.",
    ),
    "log.flush.offset.checkpoint.interval.ms": int(
      10,
      MAX_INT,
      60_000,
      "How often recovery-point and HW checkpoints are written.",
    ),
    "grpc.host": str("127.0.0.1", "Address the gRPC server binds to."),
    "grpc.port": int(0, PORT_MAX, 9292, "gRPC port; 0 picks a free one (reported in the 'broker started' log line)."),
    "replication.port": int(
      -1,
      PORT_MAX,
      -1,
      "-1: brokers replicate over the gRPC port. A port (0 picks a free one): a second listener on grpc.host, with the same TLS, for what only brokers call (replica fetches, transaction markers, partitions joining transactions); the gRPC port then stops serving replication, so a firewall or NetworkPolicy can keep everyone but brokers off this one, as Kafka's inter.broker.listener.name does.",
    ),
    "advertised.host": str("", "Host clients and other brokers use to reach this broker; empty for grpc.host."),
    "security.protocol": str(
      "PLAINTEXT",
      "PLAINTEXT, or SSL: TLS on the gRPC listener (clients and brokers) and on this broker's connections to other brokers.",
      "^(PLAINTEXT|SSL)$",
    ),
    "ssl.certificate.location": str("", "PEM file with this broker's certificate (chain); required with SSL."),
    "ssl.key.location": str("", "PEM file with the private key of ssl.certificate.location; required with SSL."),
    "ssl.ca.location": str(
      "",
      "PEM file with the CA certificate(s) this broker trusts: for other brokers' certificates and, with ssl.client.auth, clients'.",
    ),
    "ssl.client.auth": str(
      "none",
      "Whether clients present a certificate: none, requested (verified if sent) or required (mutual TLS).",
      "^(none|requested|required)$",
    ),
    "ssl.endpoint.identification.algorithm": str(
      "https",
      "https: a broker checks that another broker's certificate names the address it connects to; empty: only that the CA signed it.",
      "^(https|)$",
    ),
    "ssl.refresh.interval.ms": int(
      1000,
      86_400_000,
      10_000,
      "How often the certificate, key and CA files are read again, so a rotated certificate is used without a restart.",
    ),
    "ssl.principal.mapping.rules": str(
      "DEFAULT",
      "How a client certificate's subject (RFC 2253, e.g. CN=app,O=Acme) becomes a principal User:<name>: RULE:<pattern>/<replacement>/[L|U] entries and DEFAULT (the subject unchanged), separated by commas, first match wins.",
    ),
    "authorizer.class.name": str(
      "",
      "StandardAuthorizer: every request is checked against the principal's rights (super.users may do everything; with no ACL, nothing else is allowed). Empty: no authorization. Needs security.protocol=SSL with ssl.client.auth.",
      "^(|StandardAuthorizer|org\\.apache\\.kafka\\.metadata\\.authorizer\\.StandardAuthorizer)$",
    ),
    "super.users": str(
      "",
      "Principals allowed everything when the authorizer is on, separated by semicolons (User:CN=broker-1;User:CN=ops). Brokers' own principals belong here.",
    ),
    "sasl.enabled.mechanisms": str(
      "",
      "SCRAM mechanisms clients may authenticate with, comma-separated (SCRAM-SHA-256, SCRAM-SHA-512); empty: no SASL. Needs security.protocol=SSL: the exchange and the session token must not travel in the clear.",
      "^((SCRAM-SHA-256|SCRAM-SHA-512)(,(SCRAM-SHA-256|SCRAM-SHA-512))*)?$",
    ),
    "sasl.session.lifetime.ms": int(
      10_000,
      MAX_INT,
      3_600_000,
      "How long a SASL session (its token) lasts; clients authenticate again before it ends (Kafka's connections.max.reauth.ms).",
    ),
    "sasl.failed.authentication.delay.ms": int(
      0,
      10_000,
      100,
      "How long a failed authentication's answer is held back, so guessing passwords is slow (Kafka's connection.failed.authentication.delay.ms).",
    ),
    "quota.window.num": int(
      2,
      100,
      11,
      "Samples a client's rate against its quotas is measured over (Kafka's quota.window.num).",
    ),
    "quota.window.size.seconds": int(
      1,
      3600,
      1,
      "Length of each quota sample (Kafka's quota.window.size.seconds); a throttle never exceeds the whole window.",
    ),
    "metrics.partition.level": str(
      "partition",
      "partition: seven /metrics gauges per hosted partition; topic: the same gauges summed per topic (for brokers with thousands of partitions, where a scrape would be tens of thousands of series).",
      "^(partition|topic)$",
    ),
    "http.host": str("127.0.0.1", "Address the HTTP (health, metrics, admin) server binds to."),
    "http.port": int(
      0,
      PORT_MAX,
      9293,
      "HTTP port (health, metrics, admin REST); 0 picks a free one (reported in the 'broker started' log line).",
    ),
    "http.body.max.bytes": int(1024, 16 * 1024 * 1024, 1024 * 1024, "Largest HTTP request body accepted."),
    "http.request.rate.max": int(
      1,
      1_000_000,
      200,
      "Admin REST requests per second this broker serves (a burst of as many is allowed); more get 429.",
    ),
    "broker.session.timeout.ms": int(
      2000,
      600_000,
      9000,
      "TTL of the broker's etcd lease: how soon a dead broker loses its leaderships.",
    ),
    "controller.session.timeout.ms": int(
      2000,
      600_000,
      9000,
      "TTL of the controller's election lease: how soon a dead controller is replaced.",
    ),
    "unclean.recovery.timeout.ms": int(
      -1,
      MAX_INT,
      -1,
      "Leader recovery of a partition with no trusted replica left: -1 (the default) waits until every ISR and ELR member is back to report its log, so no acknowledged write is given up; a value >= 0 elects the most complete log among those back after that long, an unclean choice that may lose acknowledged writes for availability.",
    ),
    "auto.leader.rebalance.enable": str(
      "true",
      "Whether the controller moves leadership back to preferred replicas on its own (Kafka's automatic preferred-leader balancing).",
      "^(true|false)$",
    ),
    "leader.imbalance.check.interval.seconds": int(1, 86_400, 300, "How often the controller checks leader balance."),
    "leader.imbalance.per.broker.percentage": int(
      0,
      100,
      10,
      "A broker whose share of its preferred partitions led by others exceeds this gets them back.",
    ),
    "controller.reconcile.interval.ms": int(
      100,
      MAX_INT,
      5000,
      "How often the controller re-checks partitions waiting on a clock (leader recovery) and any change it has not yet handled.",
    ),
    "metadata.resync.interval.ms": int(
      100,
      MAX_INT,
      300_000,
      "Safety-net interval of a full metadata re-read (the watch keeps metadata current between them); the controller re-checks every partition after each.",
    ),
    "replica.lag.time.max.ms": int(
      100,
      MAX_INT,
      30_000,
      "A follower not caught up with the leader for this long leaves the ISR.",
    ),
    "replica.fetch.max.bytes": int(
      1024,
      64 * 1024 * 1024,
      1024 * 1024,
      "Bytes a follower asks for per partition per fetch.",
    ),
    "replica.fetch.wait.max.ms": int(
      0,
      60_000,
      500,
      "How long a leader holds a follower's fetch when there is nothing new.",
    ),
    "num.partitions": int(1, 10_000, 1, "Partitions of a topic created without a count."),
    "default.replication.factor": int(1, 100, 1, "Replication factor of a topic created without one."),
    "shutdown.timeout.ms": int(100, MAX_INT, 30_000, "Bound on a graceful shutdown before the process exits anyway."),
    "controlled.shutdown.timeout.ms": int(
      0,
      MAX_INT,
      10_000,
      "On SIGTERM, how long the broker waits for the controller to move its leaderships to other in-sync replicas before it stops anyway (Kafka's controlled shutdown); 0 stops at once.",
    ),
    "offsets.topic.num.partitions": int(
      1,
      1000,
      16,
      "Partitions of __consumer_offsets (created on first use; fixed afterwards, groups are placed by hash).",
    ),
    "offsets.topic.replication.factor": int(
      1,
      100,
      3,
      "Replicas of __consumer_offsets, capped by the live brokers when it is created.",
    ),
    "offsets.topic.segment.bytes": int(
      1024 * 1024,
      2 ** 31 - 1,
      100 * 1024 * 1024,
      "segment.bytes of __consumer_offsets.",
    ),
    "offsets.commit.timeout.ms": int(100, 300_000, 5000, "How long a group write waits for every in-sync replica."),
    "offset.metadata.max.bytes": int(0, 1024 * 1024, 4096, "Bytes of metadata a committed offset may carry."),
    "group.min.session.timeout.ms": int(100, MAX_INT, 2000, "Smallest session timeout a group member may ask for."),
    "group.max.session.timeout.ms": int(100, MAX_INT, 1_800_000, "Largest session timeout a group member may ask for."),
    "group.consumer.heartbeat.interval.ms": int(
      50,
      MAX_INT,
      1000,
      "Heartbeat interval given to members (capped at a third of their session timeout).",
    ),
    "group.consumer.max.size": int(1, 100_000, 1000, "Members one group may have."),
    "transaction.state.log.num.partitions": int(
      1,
      1000,
      16,
      "Partitions of __transaction_state (created on first use; fixed afterwards, transactional ids are placed by hash).",
    ),
    "transaction.state.log.replication.factor": int(
      1,
      100,
      3,
      "Replicas of __transaction_state, capped by the live brokers when it is created.",
    ),
    "transaction.state.log.min.isr": int(
      1,
      100,
      2,
      "min.insync.replicas of __transaction_state (capped by its replication factor).",
    ),
    "transaction.state.log.segment.bytes": int(
      1024 * 1024,
      2 ** 31 - 1,
      100 * 1024 * 1024,
      "segment.bytes of __transaction_state.",
    ),
    "transaction.max.timeout.ms": int(
      1,
      MAX_INT,
      900_000,
      "Largest transaction timeout a producer may ask for (INVALID_TRANSACTION_TIMEOUT past it).",
    ),
    "transaction.abort.timed.out.transaction.cleanup.interval.ms": int(
      10,
      MAX_INT,
      10_000,
      "How often the coordinator looks for transactions past their timeout and aborts them.",
    ),
    "transaction.state.log.write.timeout.ms": int(
      100,
      300_000,
      5000,
      "How long a write to __transaction_state waits for every in-sync replica.",
    ),
    "max.inflight.requests.per.connection": int(
      1,
      1_000_000,
      500,
      "Unary requests (Produce, Fetch long polls, group and admin calls) one client connection may have in progress; more are answered REQUEST_LIMIT_EXCEEDED (retriable).",
    ),
    "max.inflight.requests": int(
      1,
      10_000_000,
      5000,
      "Unary requests all connections together may have in progress on this broker; more are answered REQUEST_LIMIT_EXCEEDED.",
    ),
    "max.streams.per.connection": int(
      1,
      1_000_000,
      100,
      "ProduceStreams and EndTxnStreams one client connection may have open; more are answered REQUEST_LIMIT_EXCEEDED and ended.",
    ),
    "max.streams": int(
      1,
      10_000_000,
      1000,
      "ProduceStreams all connections together may have open on this broker; more are answered REQUEST_LIMIT_EXCEEDED and ended.",
    ),
    "log.level": Type.Union(
      [
        Type.Literal("trace"),
        Type.Literal("debug"),
        Type.Literal("info"),
        Type.Literal("warn"),
        Type.Literal("error"),
        Type.Literal("fatal"),
      ],
      { default: "info", description: "Log level." },
    ),
    ...Object.fromEntries(
      Object.keys(LOG_DEFAULT_KEYS).map((k) => [
        k,
        Type.Optional(Type.String({ description: `Default ${LOG_DEFAULT_KEYS[k]} of topics.` })),
      ]),
    ),
  },
  { additionalProperties: false },
);

export interface BrokerConfig {
  readonly brokerId: number;
  readonly rack: string | null;
  readonly clusterId: string;
  readonly etcdEndpoints: string[];
  /** TLS and password authentication to etcd; null parts are not used. */
  readonly etcdSecurity: EtcdSecurity;
  readonly etcdRequestTimeoutMs: number;
  readonly etcdStartupTimeoutMs: number;
  readonly dataDir: string;
  readonly openFilesMax: number;
  readonly flushCheckIntervalMs: number;
  readonly retentionCheckIntervalMs: number;
  readonly checkpointIntervalMs: number;
  readonly cleanerIoMaxBytesPerSecond: number;
  readonly cleanerBackoffMs: number;
  readonly cleanerDedupeBufferBytes: number;
  readonly grpcHost: string;
  readonly grpcPort: number;
  /** The broker-to-broker listener's port (replication.port); -1 when replication shares grpcPort. */
  readonly replicationPort: number;
  readonly advertisedHost: string;
  /** TLS on the gRPC listener and broker-to-broker connections (security.protocol=SSL); null for plaintext. */
  readonly tls: TlsConfig | null;
  /** How a client certificate's subject becomes a principal (ssl.principal.mapping.rules). */
  readonly principalMappingRules: readonly PrincipalMappingRule[];
  /** The super users when authorizer.class.name is set; null when requests are not authorized. */
  readonly superUsers: readonly Principal[] | null;
  /** Per-partition /metrics gauges, or summed per topic (metrics.partition.level). */
  readonly metricsPartitionLevel: "partition" | "topic";
  /** SASL (SCRAM) authentication: the mechanisms enabled (empty: off), session lifetime, failure delay. */
  readonly sasl: {
    readonly mechanisms: readonly ("SCRAM-SHA-256" | "SCRAM-SHA-512")[];
    readonly sessionLifetimeMs: number;
    readonly failedAuthenticationDelayMs: number;
  };
  /** Client quotas' measurement window: `samples` of `windowMs` (quota.window.num, quota.window.size.seconds). */
  readonly quotaWindow: { readonly samples: number; readonly windowMs: number };
  readonly httpHost: string;
  readonly httpPort: number;
  readonly httpBodyMaxBytes: number;
  readonly httpRequestRateMax: number;
  readonly brokerSessionTimeoutMs: number;
  readonly controllerSessionTimeoutMs: number;
  readonly uncleanRecoveryTimeoutMs: number;
  /** Automatic preferred-leader balancing; null when disabled. */
  readonly leaderBalance: { readonly intervalMs: number; readonly thresholdPercent: number } | null;
  readonly controllerReconcileIntervalMs: number;
  readonly metadataResyncIntervalMs: number;
  readonly replicaLagTimeMaxMs: number;
  readonly replicaFetchMaxBytes: number;
  readonly replicaFetchWaitMaxMs: number;
  readonly numPartitions: number;
  readonly defaultReplicationFactor: number;
  readonly shutdownTimeoutMs: number;
  readonly controlledShutdownTimeoutMs: number;
  readonly groups: GroupConfig;
  readonly transactions: TransactionConfig;
  readonly requestLimits: RequestLimitsConfig;
  readonly logLevel: string;
  /** Broker-wide defaults for every topic's log (topic configs override them). */
  readonly logDefaults: LogConfig;
}

/** Consumer group coordination and __consumer_offsets. */
export interface GroupConfig {
  readonly offsetsTopicPartitions: number;
  readonly offsetsTopicReplicationFactor: number;
  readonly offsetsTopicSegmentBytes: number;
  readonly writeTimeoutMs: number;
  readonly offsetMetadataMaxBytes: number;
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxGroupSize: number;
}

/** Transaction coordination and __transaction_state. */
export interface TransactionConfig {
  readonly numPartitions: number;
  readonly replicationFactor: number;
  readonly minIsr: number;
  readonly segmentBytes: number;
  readonly maxTimeoutMs: number;
  readonly abortCheckIntervalMs: number;
  readonly writeTimeoutMs: number;
}

/**
 * Bounds on the client work one broker holds at once (see request-limits.ts). A
 * connection is one HTTP/2 connection, told apart by its peer address "ip:port".
 */
export interface RequestLimitsConfig {
  /** max.inflight.requests.per.connection */
  readonly inflightRequestsPerConnectionMax: number;
  /** max.inflight.requests */
  readonly inflightRequestsMax: number;
  /** max.streams.per.connection */
  readonly streamsPerConnectionMax: number;
  /** max.streams */
  readonly streamsMax: number;
}

export interface ConfigSources {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a config file (a seam for tests). */
  readonly readFile?: (path: string) => string;
}

const KNOWN = new Set(Object.keys(BrokerConfigSchema.properties));

function invalid(detail: string): TidelogError {
  return new TidelogError("INVALID_CONFIG", detail);
}

function suggest(name: string): string {
  let best = "";
  let bestScore = 0;
  for (const known of KNOWN) {
    const a = new Set(name.split(/[._]/));
    const score = known.split(".").filter((part) => a.has(part)).length;
    if (score > bestScore) {
      best = known;
      bestScore = score;
    }
  }
  return best ? ` (did you mean '${best}'?)` : "";
}

function parseArgv(argv: readonly string[]): { configFile: string | null; values: Record<string, string> } {
  const values: Record<string, string> = {};
  let configFile: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--")) throw invalid(`unexpected argument '${arg}': settings are given as --name=value`);
    const eq = arg.indexOf("=");
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[i + 1];
    if (eq < 0) i++;
    if (value === undefined) throw invalid(`--${name} needs a value`);
    if (name === "config") configFile = value;
    else values[name] = value;
  }
  return { configFile, values };
}

function parseFile(path: string, text: string): Record<string, string> {
  if (path.endsWith(".json")) {
    const data: unknown = JSON.parse(text);
    if (typeof data !== "object" || data === null || Array.isArray(data))
      throw invalid(`${path} must hold a JSON object`);
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)]));
  }
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith("!")) return;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) throw invalid(`${path}:${i + 1}: expected key=value, got '${trimmed}'`);
    out[trimmed.slice(0, eq).trim()] = trimmed.slice(eq + 1).trim();
  });
  return out;
}

function fromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith("TIDELOG_") || v === undefined) continue;
    const name = k.slice("TIDELOG_".length).toLowerCase().replace(/_/g, ".");
    // Only broker settings: TIDELOG_BOOTSTRAP and friends belong to the clients.
    if (KNOWN.has(name)) out[name] = v;
  }
  return out;
}

/** Builds and validates the configuration; throws INVALID_CONFIG with a readable message. */
export function loadBrokerConfig(sources: ConfigSources): BrokerConfig {
  const { configFile, values: flags } = parseArgv(sources.argv);
  let file: Record<string, string> = {};
  if (configFile) {
    const read = sources.readFile ?? ((p: string) => readFileSync(p, "utf8"));
    let text: string;
    try {
      text = read(configFile);
    } catch (e) {
      throw invalid(`cannot read config file ${configFile}: ${(e as Error).message}`);
    }
    file = parseFile(configFile, text);
  }
  const merged: Record<string, unknown> = { ...file, ...fromEnv(sources.env), ...flags };
  for (const name of Object.keys(merged))
    if (!KNOWN.has(name)) throw invalid(`unknown setting '${name}'${suggest(name)}`);
  if (merged["broker.id"] === undefined)
    throw invalid("broker.id is required (e.g. --broker.id=1 or TIDELOG_BROKER_ID=1)");
  const converted = Value.Default(BrokerConfigSchema, Value.Convert(BrokerConfigSchema, merged));
  if (!Value.Check(BrokerConfigSchema, converted)) {
    const e = [...Value.Errors(BrokerConfigSchema, converted)][0];
    const name = e?.instancePath.replace(/^\//, "") ?? "";
    throw invalid(`${name || "config"}: ${e?.message ?? "invalid"} (got ${JSON.stringify(merged[name])})`);
  }
  return toBrokerConfig(converted as Record<string, unknown>);
}

function toBrokerConfig(c: Record<string, unknown>): BrokerConfig {
  const get = <T>(k: string) => c[k] as T;
  const logProps: Record<string, string> = {};
  for (const [brokerKey, topicKey] of Object.entries(LOG_DEFAULT_KEYS)) {
    const v = c[brokerKey];
    if (typeof v === "string") logProps[topicKey] = v;
  }
  const endpoints = get<string>("etcd.endpoints")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const e of endpoints) {
    if (!/^https?:\/\/[^/\s]+$/.test(e))
      throw invalid(`etcd.endpoints: '${e}' is not a URL like http://127.0.0.1:2379`);
  }
  if (get<number>("group.min.session.timeout.ms") > get<number>("group.max.session.timeout.ms")) {
    throw invalid("group.min.session.timeout.ms must not exceed group.max.session.timeout.ms");
  }
  if (get<number>("max.inflight.requests.per.connection") > get<number>("max.inflight.requests")) {
    throw invalid("max.inflight.requests.per.connection must not exceed max.inflight.requests");
  }
  if (get<number>("max.streams.per.connection") > get<number>("max.streams")) {
    throw invalid("max.streams.per.connection must not exceed max.streams");
  }
  const tls = tlsConfig(get);
  const { principalMappingRules, superUsers } = authorizationConfig(get, tls);
  const grpcHost = get<string>("grpc.host");
  const advertised = get<string>("advertised.host") || (grpcHost === "0.0.0.0" ? "127.0.0.1" : grpcHost);
  return {
    brokerId: get("broker.id"),
    rack: get<string>("broker.rack") || null,
    clusterId: get("cluster.id"),
    etcdEndpoints: endpoints,
    etcdSecurity: etcdSecurity(get, endpoints),
    etcdRequestTimeoutMs: get("etcd.request.timeout.ms"),
    etcdStartupTimeoutMs: get("etcd.startup.timeout.ms"),
    dataDir: get("log.dirs"),
    openFilesMax: get("log.open.files.max"),
    flushCheckIntervalMs: get("log.flush.scheduler.interval.ms"),
    retentionCheckIntervalMs: get("log.retention.check.interval.ms"),
    checkpointIntervalMs: get("log.flush.offset.checkpoint.interval.ms"),
    cleanerIoMaxBytesPerSecond: get("log.cleaner.io.max.bytes.per.second"),
    cleanerBackoffMs: get("log.cleaner.backoff.ms"),
    cleanerDedupeBufferBytes: get("log.cleaner.dedupe.buffer.size"),
    grpcHost,
    grpcPort: get("grpc.port"),
    replicationPort: get("replication.port"),
    advertisedHost: advertised,
    tls,
    principalMappingRules,
    superUsers,
    metricsPartitionLevel: get("metrics.partition.level"),
    quotaWindow: { samples: get("quota.window.num"), windowMs: get<number>("quota.window.size.seconds") * 1000 },
    sasl: saslConfig(get, tls),
    httpHost: get("http.host"),
    httpPort: get("http.port"),
    httpBodyMaxBytes: get("http.body.max.bytes"),
    httpRequestRateMax: get("http.request.rate.max"),
    brokerSessionTimeoutMs: get("broker.session.timeout.ms"),
    controllerSessionTimeoutMs: get("controller.session.timeout.ms"),
    controllerReconcileIntervalMs: get("controller.reconcile.interval.ms"),
    leaderBalance:
      get("auto.leader.rebalance.enable") === "true"
        ? {
            intervalMs: get<number>("leader.imbalance.check.interval.seconds") * 1000,
            thresholdPercent: get("leader.imbalance.per.broker.percentage"),
          }
        : null,
    uncleanRecoveryTimeoutMs: get("unclean.recovery.timeout.ms"),
    metadataResyncIntervalMs: get("metadata.resync.interval.ms"),
    replicaLagTimeMaxMs: get("replica.lag.time.max.ms"),
    replicaFetchMaxBytes: get("replica.fetch.max.bytes"),
    replicaFetchWaitMaxMs: get("replica.fetch.wait.max.ms"),
    numPartitions: get("num.partitions"),
    defaultReplicationFactor: get("default.replication.factor"),
    shutdownTimeoutMs: get("shutdown.timeout.ms"),
    controlledShutdownTimeoutMs: get("controlled.shutdown.timeout.ms"),
    groups: {
      offsetsTopicPartitions: get("offsets.topic.num.partitions"),
      offsetsTopicReplicationFactor: get("offsets.topic.replication.factor"),
      offsetsTopicSegmentBytes: get("offsets.topic.segment.bytes"),
      writeTimeoutMs: get("offsets.commit.timeout.ms"),
      offsetMetadataMaxBytes: get("offset.metadata.max.bytes"),
      minSessionTimeoutMs: get("group.min.session.timeout.ms"),
      maxSessionTimeoutMs: get("group.max.session.timeout.ms"),
      heartbeatIntervalMs: get("group.consumer.heartbeat.interval.ms"),
      maxGroupSize: get("group.consumer.max.size"),
    },
    transactions: {
      numPartitions: get("transaction.state.log.num.partitions"),
      replicationFactor: get("transaction.state.log.replication.factor"),
      minIsr: Math.min(
        get<number>("transaction.state.log.min.isr"),
        get<number>("transaction.state.log.replication.factor"),
      ),
      segmentBytes: get("transaction.state.log.segment.bytes"),
      maxTimeoutMs: get("transaction.max.timeout.ms"),
      abortCheckIntervalMs: get("transaction.abort.timed.out.transaction.cleanup.interval.ms"),
      writeTimeoutMs: get("transaction.state.log.write.timeout.ms"),
    },
    requestLimits: {
      inflightRequestsPerConnectionMax: get("max.inflight.requests.per.connection"),
      inflightRequestsMax: get("max.inflight.requests"),
      streamsPerConnectionMax: get("max.streams.per.connection"),
      streamsMax: get("max.streams"),
    },
    logLevel: get("log.level"),
    logDefaults: logDefaultsFrom(logProps),
  };
}

function logDefaultsFrom(props: Record<string, string>): LogConfig {
  try {
    return logConfigFromProperties(props, DEFAULT_LOG_CONFIG);
  } catch (e) {
    const byTopicKey = Object.fromEntries(Object.entries(LOG_DEFAULT_KEYS).map(([b, t]) => [t, b]));
    const message = (e as Error).message.replace(/^INVALID_CONFIG: /, "");
    const topicKey = /^([a-z.]+)[=\s]/.exec(message)?.[1] ?? "";
    throw invalid(`${byTopicKey[topicKey] ?? "log defaults"}: ${message}`);
  }
}

/** `--help` text: every setting with its default and meaning, generated from the schema. */
export function configHelp(): string {
  const lines = [
    "usage: tidelog-broker --broker.id=N [--name=value ...] [--config file.properties|file.json]",
    "",
    "Every setting can also come from the environment as TIDELOG_<NAME> (upper case, dots as",
    "underscores), e.g. TIDELOG_LOG_DIRS=/var/lib/tidelog. Flags override the environment,",
    "which overrides the file, which overrides the defaults.",
    "",
  ];
  for (const [name, schema] of Object.entries(BrokerConfigSchema.properties)) {
    const s = schema as { default?: unknown; description?: string };
    const def = s.default === undefined ? "" : ` (default ${JSON.stringify(s.default)})`;
    lines.push(`  --${name}${def}`, `      ${s.description ?? ""}`);
  }
  return lines.join("\n");
}

/** The first line of a PEM certificate, and of a PEM private key. */
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
const PEM_PRIVATE_KEY = /-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/;

/** `path`, once it is known to hold a PEM `what` (its `marker` line); else the error names `setting`. */
function pemFile(setting: string, path: string, marker: RegExp, what: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw invalid(`${setting}: cannot read ${path}: ${(e as Error).message}`);
  }
  if (!marker.test(text)) throw invalid(`${setting}: ${path} holds no PEM ${what}`);
  return path;
}

export interface EtcdSecurity {
  /** With https:// endpoints: the PEM files to use (null: the system's CAs, no client certificate). */
  readonly tls: {
    readonly caPath: string | null;
    readonly certificatePath: string | null;
    readonly keyPath: string | null;
  } | null;
  readonly auth: { readonly username: string; readonly password: string } | null;
}

/**
 * How the broker reaches etcd securely: TLS when the endpoints are https:// (all of them),
 * with a CA and a client certificate from files, and etcd's user/password auth.
 */
function etcdSecurity(get: <T>(key: string) => T, endpoints: readonly string[]): EtcdSecurity {
  const secure = endpoints.filter((e) => e.startsWith("https://")).length;
  if (secure > 0 && secure < endpoints.length)
    throw invalid("etcd.endpoints mixes http:// and https://: use one scheme for every endpoint");
  const files = ["etcd.ssl.ca.location", "etcd.ssl.certificate.location", "etcd.ssl.key.location"];
  const set = files.filter((k) => get<string>(k) !== "");
  if (secure === 0 && set.length > 0)
    throw invalid(`${set.join(", ")} set, but etcd.endpoints are http://: use https:// endpoints for TLS to etcd`);
  const cert = get<string>("etcd.ssl.certificate.location");
  const key = get<string>("etcd.ssl.key.location");
  if ((cert === "") !== (key === ""))
    throw invalid("etcd.ssl.certificate.location and etcd.ssl.key.location go together: set both or neither");
  const pem = (setting: string, marker: RegExp, what: string): string | null =>
    get<string>(setting) === "" ? null : pemFile(setting, get<string>(setting), marker, what);
  const username = get<string>("etcd.username");
  const password = get<string>("etcd.password");
  if (username === "" && password !== "") throw invalid("etcd.password is set but etcd.username is empty");
  if (username !== "" && password === "") throw invalid(`etcd.username ${username} needs etcd.password`);
  return {
    tls:
      secure === 0
        ? null
        : {
            caPath: pem("etcd.ssl.ca.location", PEM_CERTIFICATE, "CA certificate"),
            certificatePath: pem("etcd.ssl.certificate.location", PEM_CERTIFICATE, "certificate"),
            keyPath: pem("etcd.ssl.key.location", PEM_PRIVATE_KEY, "private key"),
          },
    auth: username === "" ? null : { username, password },
  };
}

export interface TlsConfig {
  readonly certificatePath: string;
  readonly keyPath: string;
  /** null: trust the system's CAs (other brokers' certificates only; no client certificates). */
  readonly caPath: string | null;
  readonly clientAuth: "none" | "requested" | "required";
  readonly refreshIntervalMs: number;
  /** ssl.endpoint.identification.algorithm=https. */
  readonly checkHostname: boolean;
}

/**
 * The principal mapping and the authorizer's super users. The authorizer needs principals
 * a client cannot choose: brokers are known by their client certificates, so it needs
 * ssl.client.auth (requested lets applications without one authenticate with SCRAM).
 */
function authorizationConfig(
  get: <T>(key: string) => T,
  tls: TlsConfig | null,
): { principalMappingRules: PrincipalMappingRule[]; superUsers: Principal[] | null } {
  let principalMappingRules: PrincipalMappingRule[];
  let superUsers: Principal[];
  try {
    principalMappingRules = parsePrincipalMappingRules(get("ssl.principal.mapping.rules"));
    superUsers = parsePrincipalList(get("super.users"), "super.users");
  } catch (e) {
    throw invalid((e as Error).message);
  }
  if (get<string>("authorizer.class.name") === "") return { principalMappingRules, superUsers: null };
  if (tls === null || tls.clientAuth === "none")
    throw invalid(
      "authorizer.class.name needs principals from client certificates: set security.protocol=SSL and ssl.client.auth=required (or requested)",
    );
  if (superUsers.length === 0)
    throw invalid(
      "authorizer.class.name is set but super.users is empty: list the brokers' own principals there, or they cannot replicate from each other",
    );
  return { principalMappingRules, superUsers };
}

function saslConfig(get: <T>(key: string) => T, tls: TlsConfig | null): BrokerConfig["sasl"] {
  const text = get<string>("sasl.enabled.mechanisms");
  const mechanisms = text === "" ? [] : ([...new Set(text.split(","))] as BrokerConfig["sasl"]["mechanisms"][number][]);
  if (mechanisms.length > 0 && tls === null)
    throw invalid(
      "sasl.enabled.mechanisms needs security.protocol=SSL: a SASL session's token must not travel in the clear",
    );
  return {
    mechanisms,
    sessionLifetimeMs: get("sasl.session.lifetime.ms"),
    failedAuthenticationDelayMs: get("sasl.failed.authentication.delay.ms"),
  };
}

/** The ssl.* settings when security.protocol is SSL, their files checked now: a broker never starts half secured. */
function tlsConfig(get: <T>(key: string) => T): TlsConfig | null {
  const ssl = ["ssl.certificate.location", "ssl.key.location", "ssl.ca.location"].filter((k) => get<string>(k) !== "");
  if (get<string>("security.protocol") !== "SSL") {
    if (ssl.length > 0) throw invalid(`${ssl.join(", ")} set, but security.protocol is PLAINTEXT: set it to SSL`);
    return null;
  }
  const clientAuth = get<TlsConfig["clientAuth"]>("ssl.client.auth");
  const pem = (key: string, marker: RegExp, what: string): string => {
    const path = get<string>(key);
    if (path === "") throw invalid(`security.protocol=SSL needs ${key} (${what})`);
    return pemFile(key, path, marker, what);
  };
  const certificatePath = pem("ssl.certificate.location", PEM_CERTIFICATE, "certificate");
  const keyPath = pem("ssl.key.location", PEM_PRIVATE_KEY, "private key");
  const caPath =
    get<string>("ssl.ca.location") === "" ? null : pem("ssl.ca.location", PEM_CERTIFICATE, "CA certificate");
  if (clientAuth !== "none" && caPath === null)
    throw invalid(
      `ssl.client.auth=${clientAuth} needs ssl.ca.location: the CA client certificates are checked against`,
    );
  return {
    certificatePath,
    keyPath,
    caPath,
    clientAuth,
    refreshIntervalMs: get("ssl.refresh.interval.ms"),
    checkHostname: get("ssl.endpoint.identification.algorithm") === "https",
  };
}
