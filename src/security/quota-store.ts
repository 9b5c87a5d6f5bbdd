/**
 * Client quotas in etcd (`quotas/<entity>`, metadata-records.ts): the operations behind
 * the Admin service's DescribeClientQuotas and AlterClientQuotas. As for ACLs
 * (acl-store.ts), any broker writes them directly: an entity's quotas are one key, changed
 * by a compare on the revision that was read (a concurrent change to the same entity
 * makes the later one retry), and nothing else in the metadata depends on them. Reads go
 * to etcd, so a describe right after an alter sees it; brokers enforce what their watch
 * delivers (quotaIndexOf).
 */
import { errorInfo, NO_ERROR, type wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { MetadataImage } from "../cluster/metadata-image.js";
import type { MetadataKv } from "../cluster/metadata-kv.js";
import { keys, parseQuotaRecord, type QuotaRecord } from "../cluster/metadata-records.js";
import { unavailableOnError } from "../cluster/metadata-store.js";
import {
  DEFAULT,
  type EntityName,
  entityId,
  parseEntityId,
  QUOTA_KINDS,
  type QuotaConfig,
  type QuotaEntity,
  QuotaIndex,
  type QuotaKind,
  validateQuotaConfig,
} from "./client-quota.js";

/** Entries one AlterClientQuotas may carry: bounds the etcd work of one call. */
export const QUOTA_ALTERATIONS_PER_REQUEST_MAX = 1000;
/** Entities with quotas the cluster may hold: every broker keeps them in memory. */
export const QUOTA_ENTITIES_MAX = 10_000;
/** Times one alteration re-reads and retries after another broker changed the same entity. */
const ALTER_ATTEMPTS_MAX = 5;

/** The configs of the watched image as a QuotaIndex, rebuilt only when they changed (as aclIndexOf). */
export function quotaIndexOf(image: () => MetadataImage): () => QuotaIndex {
  let builtFrom: MetadataImage | null = null;
  let builtAt = -1;
  let index = new QuotaIndex([]);
  return () => {
    const current = image();
    if (current !== builtFrom || current.quotasVersion !== builtAt) {
      index = new QuotaIndex(
        [...current.quotas.values()].flatMap((v) => {
          const config = configOf(v.value);
          return config ? [config] : [];
        }),
      );
      builtFrom = current;
      builtAt = current.quotasVersion;
    }
    return index;
  };
}

/** A stored record as a config, or null when it does not hold up (written by hand): never trusted. */
function configOf(record: QuotaRecord): QuotaConfig | null {
  const entity = parseEntityId(record.entity);
  if (!entity) return null;
  try {
    return { entity, values: validateQuotaConfig(entity, record.values) };
  } catch {
    return null;
  }
}

/** An entity from the wire; throws INVALID_REQUEST. */
function entityFromWire(parts: readonly wire.QuotaEntityPart__Output[]): QuotaEntity {
  let user: EntityName = null;
  let clientId: EntityName = null;
  for (const p of parts) {
    const name: EntityName = p.isDefault ? DEFAULT : p.name;
    if (p.isDefault && p.name !== "") throw invalid(`a default ${p.entityType} has no name (got "${p.name}")`);
    if (p.entityType === "user" && user === null) user = name;
    else if (p.entityType === "client-id" && clientId === null) clientId = name;
    else throw invalid(`entity type ${p.entityType || '""'} is unknown or given twice (user, client-id)`);
  }
  validateQuotaConfig({ user, clientId }, {});
  return { user, clientId };
}

function entityToWire(entity: QuotaEntity): wire.QuotaEntityPart[] {
  const part = (entityType: string, name: EntityName): wire.QuotaEntityPart[] =>
    name === null ? [] : [{ entityType, name: name === DEFAULT ? "" : name, isDefault: name === DEFAULT }];
  return [...part("user", entity.user), ...part("client-id", entity.clientId)];
}

function invalid(message: string): TidelogError {
  return new TidelogError("INVALID_REQUEST", message);
}

function asTidelogError(e: unknown): TidelogError {
  return e instanceof TidelogError ? e : new TidelogError("UNKNOWN_SERVER_ERROR", String((e as Error)?.message ?? e));
}

/** Whether `entity` matches every filter part (and, strictly, has no other types). */
function matches(entity: QuotaEntity, components: readonly wire.QuotaFilterPart__Output[], strict: boolean): boolean {
  const of = (type: string): EntityName | undefined =>
    type === "user" ? entity.user : type === "client-id" ? entity.clientId : undefined;
  for (const c of components) {
    const name = of(c.entityType);
    if (name === undefined) throw invalid(`entity type ${c.entityType || '""'} is unknown (user, client-id)`);
    if (name === null) return false;
    if (c.matchType === "EXACT" && name !== c.name) return false;
    if (c.matchType === "DEFAULT" && name !== DEFAULT) return false;
    if (!["EXACT", "DEFAULT", "ANY"].includes(c.matchType))
      throw invalid(`match type ${c.matchType || '""'} is unknown (EXACT, DEFAULT, ANY)`);
  }
  if (!strict) return true;
  const named = new Set(components.map((c) => c.entityType));
  return (entity.user === null || named.has("user")) && (entity.clientId === null || named.has("client-id"));
}

export class QuotaStore {
  constructor(private readonly kv: MetadataKv) {}

  async describe(req: wire.DescribeClientQuotasRequest__Output): Promise<wire.DescribeClientQuotasResponse> {
    const { entries } = await unavailableOnError("read client quotas", () => this.kv.getAll(keys.quotasPrefix));
    const out: wire.ClientQuotaEntry[] = [];
    for (const e of entries) {
      const parsed = parseQuotaRecord(e.value);
      const config = parsed.ok ? configOf(parsed.value) : null;
      if (!config || !matches(config.entity, req.components, req.strict)) continue;
      out.push({
        entity: entityToWire(config.entity),
        values: Object.entries(config.values).map(([key, value]) => ({ key, value })),
      });
    }
    out.sort((a, b) => JSON.stringify(a.entity).localeCompare(JSON.stringify(b.entity)));
    return { error: NO_ERROR, entries: out };
  }

  async alter(req: wire.AlterClientQuotasRequest__Output): Promise<wire.AlterClientQuotasResponse> {
    if (req.entries.length > QUOTA_ALTERATIONS_PER_REQUEST_MAX)
      throw invalid(`at most ${QUOTA_ALTERATIONS_PER_REQUEST_MAX} entries per request, got ${req.entries.length}`);
    const results: wire.AlterClientQuotasResult[] = [];
    for (const entry of req.entries) {
      try {
        const entity = entityFromWire(entry.entity);
        const sets: Record<string, unknown> = {};
        const removes = new Set<QuotaKind>();
        for (const op of entry.ops) {
          if (!(QUOTA_KINDS as readonly string[]).includes(op.key))
            throw invalid(`unknown quota ${op.key || '""'}: expected one of ${QUOTA_KINDS.join(", ")}`);
          if (op.key in sets || removes.has(op.key as QuotaKind)) throw invalid(`quota ${op.key} is changed twice`);
          if (op.remove) removes.add(op.key as QuotaKind);
          else sets[op.key] = op.value;
        }
        validateQuotaConfig(entity, sets);
        if (!req.validateOnly) await this.apply(entity, sets as Partial<Record<QuotaKind, number>>, removes);
        results.push({ error: NO_ERROR });
      } catch (e) {
        results.push({ error: errorInfo(asTidelogError(e)) });
      }
    }
    return { results, error: NO_ERROR };
  }

  /** Read, change, write back if nobody changed it meanwhile; an entity left with no quota is deleted. */
  private async apply(
    entity: QuotaEntity,
    sets: Partial<Record<QuotaKind, number>>,
    removes: ReadonlySet<QuotaKind>,
  ): Promise<void> {
    const id = entityId(entity);
    const key = keys.quota(id);
    for (let attempt = 1; attempt <= ALTER_ATTEMPTS_MAX; attempt++) {
      const current = await unavailableOnError("read client quotas", () => this.kv.get(key));
      const parsed = current ? parseQuotaRecord(current.value) : null;
      const values: Partial<Record<QuotaKind, number>> = { ...(parsed?.ok ? parsed.value.values : {}) };
      for (const k of removes) delete values[k];
      Object.assign(values, sets);
      if (!current && Object.keys(values).length > 0) await this.checkRoom();
      const guard = current
        ? { key, target: "Mod" as const, value: current.modRevision }
        : { key, target: "Create" as const, value: 0 };
      const op =
        Object.keys(values).length === 0
          ? { kind: "delete" as const, key }
          : { kind: "put" as const, key, value: JSON.stringify({ entity: id, values } satisfies QuotaRecord) };
      if (!current && op.kind === "delete") return; // nothing stored, nothing to remove
      const res = await unavailableOnError("write client quotas", () => this.kv.txn([guard], [op]));
      if (res.succeeded) return;
    }
    throw new TidelogError(
      "REQUEST_TIMED_OUT",
      `the quotas of ${id} kept changing under this request (${ALTER_ATTEMPTS_MAX} attempts); try again`,
    );
  }

  private async checkRoom(): Promise<void> {
    const { entries } = await unavailableOnError("read client quotas", () => this.kv.getAll(keys.quotasPrefix));
    if (entries.length >= QUOTA_ENTITIES_MAX)
      throw new TidelogError(
        "POLICY_VIOLATION",
        `the cluster already holds quotas for ${QUOTA_ENTITIES_MAX} entities, the most it may`,
      );
  }
}
