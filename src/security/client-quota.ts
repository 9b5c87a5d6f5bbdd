/**
 * Client quotas as Kafka defines them (KIP-13, KIP-55, KIP-546): limits on a client's
 * produce bytes/s, fetch bytes/s and requests/s, set for a user (a principal's name), a
 * client id, or both, each either named or `<default>`. A request is charged to the most
 * specific entity that sets a quota of the kind charged, in Kafka's order:
 *
 *   1. user + client id      2. user + default client id      3. user
 *   4. default user + client id   5. default user + default client id   6. default user
 *   7. client id             8. default client id
 *
 * All connections that resolve to one entity share its budget: with a quota on user
 * alice, every alice client together gets that rate; with a quota on the default client
 * id, each client id gets it on its own (the entity is then "that client id").
 *
 * One deviation: Kafka's request quota is a percentage of its I/O threads' time; a broker
 * that answers on one event loop has no such threads, so `request_rate` counts requests
 * per second instead.
 */
import { TidelogError } from "@tidelog/client/record";

export type QuotaKind = "producer_byte_rate" | "consumer_byte_rate" | "request_rate";
export const QUOTA_KINDS: readonly QuotaKind[] = ["producer_byte_rate", "consumer_byte_rate", "request_rate"];

/** A named user or client id, the `<default>` of its kind (DEFAULT), or not part of the entity (null). */
export const DEFAULT = Symbol("default");
export type EntityName = string | typeof DEFAULT | null;

export interface QuotaEntity {
  readonly user: EntityName;
  readonly clientId: EntityName;
}

export type QuotaValues = Partial<Readonly<Record<QuotaKind, number>>>;

export interface QuotaConfig {
  readonly entity: QuotaEntity;
  readonly values: QuotaValues;
}

/** Longest user or client id a quota may name (a principal name or a client id, with room). */
export const QUOTA_ENTITY_NAME_MAX_CHARS = 1024;
/** Largest rate a quota may set; beyond it a quota cannot bind. */
export const QUOTA_RATE_MAX = 1e15;

/** A stable text form of an entity, for keys and maps: `user=<name>|client-id=<name>`, `<default>` for defaults. */
export function entityId(entity: QuotaEntity): string {
  const part = (kind: string, name: EntityName) =>
    name === null ? null : `${kind}=${name === DEFAULT ? "<default>" : encodeURIComponent(name)}`;
  return [part("user", entity.user), part("client-id", entity.clientId)].filter((p) => p !== null).join("|");
}

/** The entity `entityId` made, or null for text it could not have made. */
export function parseEntityId(id: string): QuotaEntity | null {
  let user: EntityName = null;
  let clientId: EntityName = null;
  for (const part of id.split("|")) {
    const m = /^(user|client-id)=(.+)$/.exec(part);
    if (!m) return null;
    let name: EntityName;
    try {
      name = m[2] === "<default>" ? DEFAULT : decodeURIComponent(m[2]!);
    } catch {
      return null;
    }
    if (m[1] === "user") {
      if (user !== null) return null;
      user = name;
    } else {
      if (clientId !== null) return null;
      clientId = name;
    }
  }
  const entity: QuotaEntity = { user, clientId };
  return user === null && clientId === null ? null : entityId(entity) === id ? entity : null;
}

/** Checks an entity and its values from outside (a request, a stored record); throws INVALID_REQUEST. */
export function validateQuotaConfig(entity: QuotaEntity, values: Readonly<Record<string, unknown>>): QuotaValues {
  if (entity.user === null && entity.clientId === null)
    throw invalid("a quota names a user, a client id or both (either may be the default)");
  for (const [kind, name] of [
    ["user", entity.user],
    ["client id", entity.clientId],
  ] as const) {
    if (typeof name === "string" && (name.length === 0 || name.length > QUOTA_ENTITY_NAME_MAX_CHARS))
      throw invalid(`a quota's ${kind} has 1..${QUOTA_ENTITY_NAME_MAX_CHARS} characters`);
  }
  const out: Partial<Record<QuotaKind, number>> = {};
  for (const [kind, value] of Object.entries(values)) {
    if (!(QUOTA_KINDS as readonly string[]).includes(kind))
      throw invalid(`unknown quota ${kind}: expected one of ${QUOTA_KINDS.join(", ")}`);
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || value > QUOTA_RATE_MAX)
      throw invalid(`${kind} must be a number above 0 and at most ${QUOTA_RATE_MAX}, got ${String(value)}`);
    out[kind as QuotaKind] = value;
  }
  return out;
}

function invalid(message: string): TidelogError {
  return new TidelogError("INVALID_REQUEST", message);
}

/** Where a request's usage is counted and how much it may use. */
export interface ResolvedQuota {
  /** The entity whose budget is charged (a default resolved to the caller's own name). */
  readonly sensorKey: string;
  readonly limit: number;
}

/** The quota configs of the cluster, indexed for the lookup each request makes. */
export class QuotaIndex {
  private readonly byId = new Map<string, QuotaValues>();

  constructor(configs: readonly QuotaConfig[]) {
    for (const c of configs) this.byId.set(entityId(c.entity), c.values);
  }

  get size(): number {
    return this.byId.size;
  }

  /** The quota of `kind` that binds `user` with `clientId`, or null when none is set. */
  resolve(kind: QuotaKind, user: string, clientId: string): ResolvedQuota | null {
    if (this.byId.size === 0) return null;
    // Kafka's order; each candidate with the names its budget is kept under.
    const candidates: [QuotaEntity, QuotaEntity][] = [
      [
        { user, clientId },
        { user, clientId },
      ],
      [
        { user, clientId: DEFAULT },
        { user, clientId },
      ],
      [
        { user, clientId: null },
        { user, clientId: null },
      ],
      [
        { user: DEFAULT, clientId },
        { user, clientId },
      ],
      [
        { user: DEFAULT, clientId: DEFAULT },
        { user, clientId },
      ],
      [
        { user: DEFAULT, clientId: null },
        { user, clientId: null },
      ],
      [
        { user: null, clientId },
        { user: null, clientId },
      ],
      [
        { user: null, clientId: DEFAULT },
        { user: null, clientId },
      ],
    ];
    for (const [config, charged] of candidates) {
      const limit = this.byId.get(entityId(config))?.[kind];
      if (limit !== undefined) return { sensorKey: `${kind}/${entityId(charged)}`, limit };
    }
    return null;
  }
}
