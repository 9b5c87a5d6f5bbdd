/**
 * Authorization at the gRPC edge: every method of every service names the operation and
 * resource type it needs (Kafka's: Produce needs Write on Topic, ReplicaFetch needs
 * ClusterAction on Cluster, ...), and a request whose principal may not is answered with
 * the method's own refusal (its response shape, a typed error such as
 * CLUSTER_AUTHORIZATION_FAILED) before the handler sees it. A service whose table misses
 * a method does not start: a new method cannot go unchecked by accident.
 *
 * The principal comes from the client certificate of the connection (principal.ts); a
 * certificate whose subject no mapping rule matches is refused as unauthenticated.
 */
import type * as grpc from "@grpc/grpc-js";
import { TidelogError } from "@tidelog/client/record";
import type { Clock } from "../common/clock.js";
import { invariant } from "../common/invariant.js";
import type { Logger } from "../common/logger.js";
import type { HttpServerOptions } from "../http/http-server.js";
import { type AclOperation, type Authorizer, authorizationError, type ResourceType } from "../security/authorizer.js";
import {
  ANONYMOUS,
  type Principal,
  type PrincipalMappingRule,
  principalFromName,
  subjectName,
} from "../security/principal.js";
import { type Refuse, refuseStream } from "./request-limits.js";

export interface MethodRule {
  readonly operation: AclOperation;
  readonly resource: ResourceType;
  /** A bidirectional stream whose every request gets one answer (ReplicaFetch, ProduceStream). */
  readonly stream?: true;
}

export type ServiceRules<H> = { readonly [K in keyof H]: MethodRule };

export interface RequestAuthorization {
  readonly authorizer: Authorizer;
  readonly principals: PrincipalResolver;
  /** Told of every refusal, for the log and the metrics. */
  readonly onRefused: (refusal: {
    service: string;
    method: string;
    principal: Principal | null;
    peer: string;
    error: TidelogError;
  }) => void;
}

/** Certificates remembered (by fingerprint) with the principal they map to. */
const PRINCIPAL_CACHE_MAX = 1024;

/** The principal of a call's connection: from its client certificate, User:ANONYMOUS without one. */
export class PrincipalResolver {
  private readonly cache = new Map<string, Principal | null>();

  constructor(private readonly rules: readonly PrincipalMappingRule[]) {}

  /** null when the certificate's subject matches no mapping rule (not authenticated). */
  of(call: { getAuthContext(): { sslPeerCertificate?: PeerCertificate } }): Principal | null {
    return this.ofCertificate(call.getAuthContext().sslPeerCertificate);
  }

  /** The same for a TLS socket's peer certificate (an empty object or none: anonymous). */
  ofCertificate(cert: PeerCertificate | undefined): Principal | null {
    if (!cert?.raw) return ANONYMOUS;
    const key = cert.fingerprint256 ?? cert.raw.toString("base64");
    const known = this.cache.get(key);
    if (known !== undefined) return known;
    const principal = principalFromName(subjectName(cert.raw), this.rules);
    if (this.cache.size >= PRINCIPAL_CACHE_MAX) this.cache.clear();
    this.cache.set(key, principal);
    return principal;
  }
}

type Handler = ((...args: never[]) => void) & { readonly refuse?: Refuse<unknown, unknown> };

/** The parts of a peer certificate a principal is made from. */
interface PeerCertificate {
  readonly raw?: Buffer;
  readonly fingerprint256?: string;
}

/**
 * The HTTP admin API's check (`/v1/` routes) when the authorizer is on: it acts through
 * the broker's own gRPC client, so the caller's principal is checked here, as the gRPC
 * edge would check it: reads need Describe on the cluster, changes Alter.
 */
export function httpAdminAuthorization(auth: RequestAuthorization): HttpServerOptions["authorizeAdmin"] {
  if (!auth.authorizer.enabled) return undefined;
  return ({ method, url, peer, certificate }) =>
    refusal(
      auth,
      auth.principals.ofCertificate(certificate),
      { operation: method === "GET" || method === "HEAD" ? "Describe" : "Alter", resource: "Cluster" },
      { service: "HTTP", method, peer, what: `${method} ${url.split("?")[0]}` },
    );
}

/** Why `principal` may not do what `rule` names (reported to `onRefused`), or null when it may. */
function refusal(
  auth: RequestAuthorization,
  principal: Principal | null,
  rule: { readonly operation: AclOperation; readonly resource: ResourceType },
  request: { readonly service: string; readonly method: string; readonly peer: string; readonly what: string },
): TidelogError | null {
  let error: TidelogError | null = null;
  if (principal === null)
    error = new TidelogError(
      "SASL_AUTHENTICATION_FAILED",
      "the client certificate's subject matches no ssl.principal.mapping.rules",
    );
  else if (!auth.authorizer.authorize(principal, rule.operation, rule.resource))
    error = authorizationError(principal, rule.operation, rule.resource, request.what);
  if (error) auth.onRefused({ service: request.service, method: request.method, principal, peer: request.peer, error });
  return error;
}

/**
 * Wraps a service's handlers so each request is authorized first; unchanged when the
 * authorizer is off. Every handler must carry its `refuse` (request-limits.ts).
 */
export function authorizeHandlers<H extends object>(
  service: string,
  handlers: H,
  rules: ServiceRules<H>,
  auth: RequestAuthorization,
): H {
  const table = rules as Readonly<Record<string, MethodRule | undefined>>;
  for (const method of Object.keys(handlers))
    invariant(table[method] !== undefined, () => `${service}.${method} has no authorization rule`);
  if (!auth.authorizer.enabled) return handlers;
  const out: Record<string, Handler> = {};
  for (const [method, handler] of Object.entries(handlers as Record<string, Handler>)) {
    const rule = table[method] as MethodRule;
    const refuse = handler.refuse;
    invariant(refuse !== undefined, () => `${service}.${method} cannot answer a refusal`);
    const refused = (
      call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>,
    ): TidelogError | null =>
      refusal(auth, auth.principals.of(call), rule, {
        service,
        method,
        peer: call.getPeer(),
        what: `${service}.${method}`,
      });
    if (rule.stream) {
      const stream = handler as unknown as grpc.handleBidiStreamingCall<unknown, unknown>;
      const wrapped: grpc.handleBidiStreamingCall<unknown, unknown> = (call) => {
        const error = refused(call);
        if (error) refuseStream(call, refuse, error);
        else stream(call);
      };
      out[method] = Object.assign(wrapped, { refuse }) as unknown as Handler;
    } else {
      const unary = handler as unknown as grpc.handleUnaryCall<unknown, unknown>;
      const wrapped: grpc.handleUnaryCall<unknown, unknown> = (call, callback) => {
        const error = refused(call);
        if (error) callback(null, refuse(call.request, error));
        else unary(call, callback);
      };
      out[method] = Object.assign(wrapped, { refuse }) as unknown as Handler;
    }
  }
  return out as H;
}

/** Refusal log lines per source address per REFUSAL_LOG_INTERVAL_MS; the rest are counted into the next line. */
const REFUSAL_LOG_INTERVAL_MS = 1000;
/** Source addresses whose refusal logging is remembered at once. */
const REFUSAL_LOG_SOURCES_MAX = 1024;

/**
 * Counts every refusal (`count` feeds the metrics) and logs it with the peer's address,
 * at most one line a second per source host, which says how many it stands for: a client
 * retrying without rights must not flood the log.
 */
export function refusalReporter(
  logger: Logger,
  clock: Pick<Clock, "monotonicMs">,
  count: (service: string, method: string, code: string) => void,
): RequestAuthorization["onRefused"] {
  const sources = new Map<string, { loggedAtMs: number; suppressed: number }>();
  return ({ service, method, principal, peer, error }) => {
    count(service, method, error.code);
    const host = peer.replace(/:\d+$/, "");
    const now = clock.monotonicMs();
    const source = sources.get(host);
    if (source && now - source.loggedAtMs < REFUSAL_LOG_INTERVAL_MS) {
      source.suppressed++;
      return;
    }
    if (!source && sources.size >= REFUSAL_LOG_SOURCES_MAX) sources.clear();
    const suppressed = source?.suppressed ?? 0;
    sources.set(host, { loggedAtMs: now, suppressed: 0 });
    logger.warn(
      {
        service,
        method,
        principal,
        peer,
        code: error.code,
        ...(suppressed > 0 ? { alsoRefusedSinceLastLine: suppressed } : {}),
      },
      "request refused: not authorized",
    );
  };
}
