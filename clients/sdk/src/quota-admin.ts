/**
 * Client quota administration behind `client.admin()`, as Kafka's Admin
 * describeClientQuotas and alterClientQuotas (KIP-546): any broker answers (it writes etcd
 * directly), and every broker enforces a change within a second.
 *
 * An entity names a user (a principal's name without "User:"), a client id, or both; in
 * each, `null` means Kafka's `<default>`. A client over a quota is slowed down (its
 * answers are held back), never refused.
 */
import { callAnyBroker } from "./admin-retry.js";
import { errorOf } from "./admin-wire.js";
import type { ClientContext } from "./client-context.js";
import { TidelogError } from "./errors.js";
import type * as wire from "./protocol/messages.js";
import type { AdminRpcs } from "./rpc.js";

export const QUOTA_KINDS = ["producer_byte_rate", "consumer_byte_rate", "request_rate"] as const;
/** Bytes/s produced, bytes/s fetched, requests/s. */
export type QuotaKind = (typeof QUOTA_KINDS)[number];

/** Who a quota is for: a user, a client id, or both; `null` is the `<default>` one. */
export interface QuotaEntity {
  readonly user?: string | null;
  readonly clientId?: string | null;
}

export interface QuotaAlteration {
  readonly entity: QuotaEntity;
  /** Quotas to set (above zero). */
  readonly set?: Partial<Readonly<Record<QuotaKind, number>>>;
  /** Quotas to remove. */
  readonly remove?: readonly QuotaKind[];
}

/** Which entities to describe: a field given must match (a name exactly, `null` the default); `strict` excludes entities with other parts. */
export interface QuotaFilter extends QuotaEntity {
  readonly strict?: boolean;
}

export interface QuotaDescription {
  readonly entity: QuotaEntity;
  readonly values: Partial<Readonly<Record<QuotaKind, number>>>;
}

/** Most alterations one call may carry (the broker's bound). */
export const QUOTA_ALTERATIONS_PER_CALL_MAX = 1000;

function invalid(detail: string): TidelogError {
  return new TidelogError("INVALID_REQUEST", detail);
}

function checkEntity(e: QuotaEntity): void {
  if (e === null || typeof e !== "object") throw invalid("a quota entity is an object: { user?, clientId? }");
  if (e.user === undefined && e.clientId === undefined)
    throw invalid("a quota entity names a user, a client id or both");
  for (const [field, v] of [
    ["user", e.user],
    ["clientId", e.clientId],
  ] as const)
    if (v !== undefined && v !== null && (typeof v !== "string" || v === ""))
      throw invalid(`${field} must be a non-empty string, or null for the default, got ${JSON.stringify(v)}`);
}

function entityToWire(e: QuotaEntity): wire.QuotaEntityPart[] {
  const part = (entityType: string, v: string | null | undefined): wire.QuotaEntityPart[] =>
    v === undefined ? [] : [{ entityType, name: v ?? "", isDefault: v === null }];
  return [...part("user", e.user), ...part("client-id", e.clientId)];
}

function entityFromWire(parts: readonly wire.QuotaEntityPart__Output[]): QuotaEntity {
  const out: { user?: string | null; clientId?: string | null } = {};
  for (const p of parts) {
    const v = p.isDefault ? null : p.name;
    if (p.entityType === "user") out.user = v;
    else if (p.entityType === "client-id") out.clientId = v;
  }
  return out;
}

export class QuotaAdmin {
  constructor(private readonly ctx: ClientContext) {}

  /** Sets and removes quotas; throws the first entry's error (the others may have applied). */
  async alterClientQuotas(
    alterations: readonly QuotaAlteration[],
    options: { readonly validateOnly?: boolean } = {},
  ): Promise<void> {
    if (alterations.length === 0) throw invalid("no quota alterations given");
    if (alterations.length > QUOTA_ALTERATIONS_PER_CALL_MAX)
      throw invalid(`at most ${QUOTA_ALTERATIONS_PER_CALL_MAX} alterations per call, got ${alterations.length}`);
    const entries = alterations.map((a) => {
      checkEntity(a.entity);
      const ops: wire.QuotaOp[] = [];
      for (const [key, value] of Object.entries(a.set ?? {})) {
        if (!(QUOTA_KINDS as readonly string[]).includes(key))
          throw invalid(`unknown quota ${key}: expected one of ${QUOTA_KINDS.join(", ")}`);
        if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value))
          throw invalid(`${key} must be a number above 0 (remove a quota with remove: ["${key}"]), got ${value}`);
        ops.push({ key, value, remove: false });
      }
      for (const key of a.remove ?? []) {
        if (!(QUOTA_KINDS as readonly string[]).includes(key))
          throw invalid(`unknown quota ${key}: expected one of ${QUOTA_KINDS.join(", ")}`);
        ops.push({ key, value: 0, remove: true });
      }
      if (ops.length === 0) throw invalid("an alteration sets or removes at least one quota");
      return { entity: entityToWire(a.entity), ops };
    });
    const response = await this.call("alterClientQuotas", { entries, validateOnly: options.validateOnly === true });
    const error = response.results.map((r) => errorOf(r.error)).find((e) => e !== null);
    if (error) throw error;
    if (response.results.length !== alterations.length)
      throw new TidelogError("UNKNOWN_SERVER_ERROR", "the broker did not answer for every quota alteration");
  }

  /** The quotas of every entity the filter matches (all of them without one). */
  async describeClientQuotas(filter: QuotaFilter = {}): Promise<QuotaDescription[]> {
    const components: wire.QuotaFilterPart[] = [];
    for (const [entityType, v] of [
      ["user", filter.user],
      ["client-id", filter.clientId],
    ] as const) {
      if (v === undefined) continue;
      if (v !== null && (typeof v !== "string" || v === ""))
        throw invalid(`a filter's ${entityType} is a name, or null for the default`);
      components.push({ entityType, matchType: v === null ? "DEFAULT" : "EXACT", name: v ?? "" });
    }
    const response = await this.call("describeClientQuotas", { components, strict: filter.strict === true });
    return response.entries.map((e) => ({
      entity: entityFromWire(e.entity),
      values: Object.fromEntries(e.values.map((v) => [v.key, v.value])) as QuotaDescription["values"],
    }));
  }

  private call<M extends "alterClientQuotas" | "describeClientQuotas">(
    method: M,
    request: AdminRpcs[M][0],
  ): Promise<AdminRpcs[M][1]> {
    return callAnyBroker(this.ctx, method, request);
  }
}
