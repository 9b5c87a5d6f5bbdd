/**
 * ACL bindings in etcd (`acls/<id>`, metadata-records.ts): the operations behind the
 * Admin service's CreateAcls, DeleteAcls and DescribeAcls and the REST `/v1/acls`.
 *
 * Any broker writes them, directly, not through the controller: a binding is one key of
 * its own whose name is the hash of its content (acl.ts `aclId`), so adding is a put
 * that two brokers may race on harmlessly (both write the same bytes), and removing is a
 * delete guarded by the mod revision that was read, so a delete answers exactly the
 * bindings it removed. Nothing else in the metadata depends on an ACL, so the
 * controller's ordering would buy nothing and cost a forwarding hop.
 *
 * Reads go to etcd, not the watched image, so a describe right after a create sees it,
 * whichever broker answers. Brokers' authorizers follow through the watch (acl-cache.ts).
 */
import { errorInfo, NO_ERROR, type wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { MetadataKv } from "../cluster/metadata-kv.js";
import { keys, parseAclRecord } from "../cluster/metadata-records.js";
import { unavailableOnError } from "../cluster/metadata-store.js";
import {
  type AclBinding,
  type AclBindingFilter,
  aclId,
  matchesFilter,
  validateAclBinding,
  validateAclFilter,
} from "./acl.js";

/** Bindings one CreateAcls may add, or filters one DeleteAcls may carry: bounds the etcd work of one call. */
export const ACL_ITEMS_PER_REQUEST_MAX = 1000;
/**
 * Bindings the cluster may hold. Every broker keeps them all in memory, and a describe
 * of all of them must fit one gRPC answer (about 200 bytes each: 2 MB, under 4 MiB).
 */
export const ACLS_MAX = 10_000;

export interface AclStoreOptions {
  readonly kv: MetadataKv;
  /** False when the broker runs no authorizer: ACLs would do nothing, so they are refused (Kafka's SECURITY_DISABLED). */
  readonly enabled: boolean;
}

interface StoredAcl {
  readonly key: string;
  readonly modRevision: number;
  readonly binding: AclBinding;
}

export class AclStore {
  constructor(private readonly options: AclStoreOptions) {}

  async createAcls(req: wire.CreateAclsRequest__Output): Promise<wire.CreateAclsResponse> {
    this.checkEnabled();
    checkCount(req.creations.length, "ACL creations");
    const existing = await this.read();
    const known = new Set(existing.map((a) => a.key));
    const results: wire.AclCreationResult[] = [];
    for (const raw of req.creations) {
      try {
        const binding = validateAclBinding(raw);
        const key = keys.acl(aclId(binding));
        if (!known.has(key)) {
          if (known.size >= ACLS_MAX)
            throw new TidelogError("POLICY_VIOLATION", `the cluster already holds ${ACLS_MAX} ACLs, the most it may`);
          await unavailableOnError("write an ACL", () =>
            this.options.kv.txn([{ key, target: "Create", value: 0 }], [{ kind: "put", key, value: record(binding) }]),
          );
          known.add(key);
        }
        results.push({ error: NO_ERROR });
      } catch (e) {
        results.push({ error: errorInfo(asTidelogError(e)) });
      }
    }
    return { results, error: NO_ERROR };
  }

  async deleteAcls(req: wire.DeleteAclsRequest__Output): Promise<wire.DeleteAclsResponse> {
    this.checkEnabled();
    checkCount(req.filters.length, "ACL filters");
    const filters = req.filters.map((raw) => {
      try {
        return validateAclFilter(raw);
      } catch (e) {
        return asTidelogError(e);
      }
    });
    const existing = await this.read();
    const gone = new Set<string>();
    const results: wire.DeleteAclsFilterResult[] = [];
    for (const filter of filters) {
      if (filter instanceof TidelogError) {
        results.push({ error: errorInfo(filter), deleted: [] });
        continue;
      }
      const deleted: wire.AclBinding[] = [];
      try {
        for (const acl of existing) {
          if (gone.has(acl.key) || !matchesFilter(acl.binding, filter)) continue;
          // Guarded by the revision read: a binding removed (or re-added) meanwhile is not counted as ours.
          const res = await unavailableOnError("delete an ACL", () =>
            this.options.kv.txn(
              [{ key: acl.key, target: "Mod", value: acl.modRevision }],
              [{ kind: "delete", key: acl.key }],
            ),
          );
          gone.add(acl.key);
          if (res.succeeded) deleted.push(acl.binding);
        }
        results.push({ error: NO_ERROR, deleted });
      } catch (e) {
        results.push({ error: errorInfo(asTidelogError(e)), deleted });
      }
    }
    return { results, error: NO_ERROR };
  }

  async describeAcls(req: wire.DescribeAclsRequest__Output): Promise<wire.DescribeAclsResponse> {
    this.checkEnabled();
    const filter: AclBindingFilter = validateAclFilter(req.filter ?? {});
    const bindings = (await this.read()).map((a) => a.binding).filter((b) => matchesFilter(b, filter));
    return { error: NO_ERROR, bindings: bindings.sort(byResource) };
  }

  private checkEnabled(): void {
    if (!this.options.enabled)
      throw new TidelogError(
        "SECURITY_DISABLED",
        "this cluster runs no authorizer (authorizer.class.name is empty): ACLs would not be enforced",
      );
  }

  /** Every stored binding; a value that does not parse is skipped (the image logs it), never trusted. */
  private async read(): Promise<StoredAcl[]> {
    const { entries } = await unavailableOnError("read ACLs", () => this.options.kv.getAll(keys.aclsPrefix));
    const out: StoredAcl[] = [];
    for (const e of entries) {
      const parsed = parseAclRecord(e.value);
      if (parsed.ok) out.push({ key: e.key, modRevision: e.modRevision, binding: parsed.value });
    }
    return out;
  }
}

function record(b: AclBinding): string {
  return JSON.stringify({
    principal: b.principal,
    host: b.host,
    resourceType: b.resourceType,
    resourceName: b.resourceName,
    patternType: b.patternType,
    operation: b.operation,
    permission: b.permission,
  });
}

/** Listing order: by resource, then principal, then operation; stable for tables and tests. */
function byResource(a: AclBinding, b: AclBinding): number {
  const ka = [a.resourceType, a.patternType, a.resourceName, a.principal, a.host, a.operation, a.permission];
  const kb = [b.resourceType, b.patternType, b.resourceName, b.principal, b.host, b.operation, b.permission];
  for (let i = 0; i < ka.length; i++) {
    const c = (ka[i] as string).localeCompare(kb[i] as string);
    if (c !== 0) return c;
  }
  return 0;
}

function checkCount(n: number, what: string): void {
  if (n > ACL_ITEMS_PER_REQUEST_MAX)
    throw new TidelogError("INVALID_REQUEST", `at most ${ACL_ITEMS_PER_REQUEST_MAX} ${what} per request, got ${n}`);
}

function asTidelogError(e: unknown): TidelogError {
  if (e instanceof TidelogError) return e;
  return new TidelogError("UNKNOWN_SERVER_ERROR", (e as Error).message, { cause: e });
}
