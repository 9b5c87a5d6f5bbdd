/**
 * Authorization at the gRPC edge: every method of every service names, from its request,
 * the resources it touches and the operation it needs on each (Kafka's: Produce needs
 * Write on each topic it writes, ReplicaFetch ClusterAction on the cluster, ...), and a
 * request whose principal may not is answered with the method's own refusal (its
 * response shape, a typed error such as TOPIC_AUTHORIZATION_FAILED) before the handler
 * sees it. A service whose table misses a method does not start: a new method cannot go
 * unchecked by accident. The HTTP admin API is checked the same way, per route
 * (`httpAdminAuthorization`).
 *
 * The principal comes from the client certificate of the connection (principal.ts); a
 * certificate whose subject no mapping rule matches is refused as unauthenticated. The
 * host an ACL may name is the connection's peer IP.
 */
import type * as grpc from "@grpc/grpc-js";
import { status } from "@grpc/grpc-js";
import { TidelogError } from "@tidelog/client/record";
import type { Clock } from "../common/clock.js";
import { invariant } from "../common/invariant.js";
import type { Logger } from "../common/logger.js";
import type { AdminAuthorization } from "../http/http-server.js";
import { peerHost } from "../security/acl.js";
import { type AclOperation, type Authorizer, authorizationError, type ResourceType } from "../security/authorizer.js";
import {
  ANONYMOUS,
  type Principal,
  type PrincipalMappingRule,
  principalFromName,
  subjectName,
} from "../security/principal.js";
import { type Refuse, refuseStream } from "./request-limits.js";

/** One resource a request touches, and what it does to it. */
export interface ResourceCheck {
  readonly operation: AclOperation;
  readonly resource: ResourceType;
  /** The resource's name; null: any one resource of the type will do (Kafka's authorizeByResourceType). */
  readonly name: string | null;
  /** Enough instead, as Kafka accepts it (Create on the cluster for CreateTopics); the refusal names the first. */
  readonly orElse?: ResourceCheck;
}

/** Whether the caller may do `operation` on the resource named (checked against the ACLs, per resource). */
export type May = (operation: AclOperation, resource: ResourceType, name: string) => boolean;

export interface MethodRule<Req = never, Res = never> {
  /**
   * What the request touches, in the order Kafka checks it: the first check the caller
   * fails names the refusal's code (a transactional produce refused for its
   * transactional id is TRANSACTIONAL_ID_AUTHORIZATION_FAILED, not a topic's).
   */
  readonly checks: (request: Req) => readonly ResourceCheck[];
  /**
   * A bidirectional stream whose every request gets one answer, in order: "open" is
   * checked once, when it opens (its checks must not read a request: ReplicaFetch);
   * "each" checks every request it carries and answers a refused one in its place
   * (ProduceStream, whose requests each name their topics).
   */
  readonly stream?: "open" | "each";
  /**
   * For answers that leave out what the caller may not see instead of refusing
   * (Kafka's Metadata: topics the caller may not Describe are hidden).
   */
  readonly filter?: (request: Req, response: Res, may: May) => Res;
}

type RequestOf<F> = F extends (call: grpc.ServerUnaryCall<infer Req, infer _Res>, cb: never) => void
  ? Req
  : F extends (call: grpc.ServerDuplexStream<infer Req, infer _Res>) => void
    ? Req
    : never;
type ResponseOf<F> = F extends (call: grpc.ServerUnaryCall<infer _Req, infer Res>, cb: never) => void
  ? Res
  : F extends (call: grpc.ServerDuplexStream<infer _Req, infer Res>) => void
    ? Res
    : never;

export type ServiceRules<H> = { readonly [K in keyof H]: MethodRule<RequestOf<H[K]>, ResponseOf<H[K]>> };

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

/** The metadata key a SASL session's token travels in: `authorization: Bearer <token>`. */
const AUTHORIZATION_HEADER = "authorization";

interface CallIdentity {
  getAuthContext(): { sslPeerCertificate?: PeerCertificate };
  readonly metadata: grpc.Metadata;
}

/**
 * The principal of a call: the user of the SASL session its token names, else its
 * connection's client certificate, else User:ANONYMOUS.
 */
export class PrincipalResolver {
  private readonly cache = new Map<string, Principal | null>();

  constructor(
    private readonly rules: readonly PrincipalMappingRule[],
    /** SASL sessions (sasl-authenticator.ts), or null when SASL is off (a token is then ignored). */
    readonly sessions: {
      principalOf(token: string): Principal | null;
      /** Whether `password` is `user`'s, by the user's SCRAM credential (HTTP Basic). */
      verifyPassword(user: string, password: string): Promise<boolean>;
    } | null = null,
  ) {}

  /** null when not authenticated: a certificate whose subject no rule maps, or a token naming no live session. */
  of(call: CallIdentity): Principal | null {
    const session = this.session(call);
    if (session) return "principal" in session ? session.principal : null;
    return this.ofCertificate(call.getAuthContext().sslPeerCertificate);
  }

  /**
   * The principal of an HTTP request: its Authorization header when it has one (a SASL
   * session's Bearer token, or Basic credentials checked against the user's SCRAM
   * credential), else its client certificate; null when not authenticated.
   */
  async ofHttp(authorization: string | undefined, certificate: PeerCertificate | undefined): Promise<Principal | null> {
    if (authorization === undefined || !this.sessions) return this.ofCertificate(certificate);
    const bearer = /^Bearer (\S+)$/.exec(authorization)?.[1];
    if (bearer) return this.sessions.principalOf(bearer);
    const basic = /^Basic ([A-Za-z0-9+/=]+)$/.exec(authorization)?.[1];
    if (!basic) return null;
    const decoded = Buffer.from(basic, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon <= 0) return null;
    const user = decoded.slice(0, colon);
    return (await this.sessions.verifyPassword(user, decoded.slice(colon + 1))) ? (`User:${user}` as Principal) : null;
  }

  /** The SASL session a call's token names, why it names none, or null when the call carries no token. */
  session(call: Pick<CallIdentity, "metadata">): { principal: Principal } | { invalid: string } | null {
    if (!this.sessions) return null;
    const header = call.metadata.get(AUTHORIZATION_HEADER)[0];
    if (header === undefined) return null;
    const token = /^Bearer (\S+)$/.exec(String(header))?.[1];
    const principal = token ? this.sessions.principalOf(token) : null;
    return principal
      ? { principal }
      : {
          invalid:
            "the SASL session is unknown or expired (a restarted broker, a changed credential): authenticate again",
        };
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

/** What an HTTP admin route needs: its checks from the request's path parameters, query and (unvalidated) body. */
export interface HttpRouteRule {
  readonly checks: (request: HttpRouteRequest) => readonly ResourceCheck[];
  /** Leaves out of the answer what the caller may not see (lists). */
  readonly filter?: (payload: unknown, may: May) => unknown;
}

export interface HttpRouteRequest {
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, unknown>>;
  /** Parsed but not yet validated: read it defensively. */
  readonly body: unknown;
}

/** An unknown admin path (a 404 to be) is checked as a cluster read: it reveals nothing more. */
const UNKNOWN_ROUTE: HttpRouteRule = {
  checks: () => [{ operation: "Describe", resource: "Cluster", name: "kafka-cluster" }],
};

/**
 * The HTTP admin API's check (`/v1/` routes) when the authorizer is on: each route names
 * its resources (`rules`, keyed "METHOD /url/:pattern"), checked for the caller's
 * principal as the gRPC edge checks a method. The routes act through the broker's own
 * clients, so this is the only check their callers meet.
 */
export function httpAdminAuthorization(
  auth: RequestAuthorization,
  rules: Readonly<Record<string, HttpRouteRule>>,
): AdminAuthorization | undefined {
  if (!auth.authorizer.enabled) return undefined;
  return {
    covers: (method, url) => rules[`${method} ${url}`] !== undefined,
    check: async ({ authorization, method, url, route, params, query, body, peer, certificate }) => {
      const rule = (route === undefined ? undefined : rules[`${method} ${route}`]) ?? UNKNOWN_ROUTE;
      const principal = await auth.principals.ofHttp(authorization, certificate);
      const what = `${method} ${url.split("?")[0]}`;
      const error = refusal(auth, principal, peer, rule.checks({ params, query, body }), {
        service: "HTTP",
        method,
        what,
      });
      if (error || !rule.filter || principal === null) return { error };
      const filter = rule.filter;
      const may = mayFor(auth.authorizer, principal, peerHost(peer));
      return { error: null, filter: (payload) => filter(payload, may) };
    },
  };
}

function mayFor(authorizer: Authorizer, principal: Principal, host: string): May {
  return (operation, resource, name) => authorizer.authorize(principal, host, operation, resource, name);
}

function allowed(authorizer: Authorizer, principal: Principal, host: string, c: ResourceCheck): boolean {
  return c.name === null
    ? authorizer.authorizeAny(principal, host, c.operation, c.resource)
    : authorizer.authorize(principal, host, c.operation, c.resource, c.name);
}

/** Why `principal` may not do what `checks` name (reported to `onRefused`), or null when it may. */
function refusal(
  auth: RequestAuthorization,
  principal: Principal | null,
  peer: string,
  checks: readonly ResourceCheck[],
  request: { readonly service: string; readonly method: string; readonly what: string },
): TidelogError | null {
  let error: TidelogError | null = null;
  if (principal === null)
    error = new TidelogError(
      "SASL_AUTHENTICATION_FAILED",
      "not authenticated: a client certificate whose subject no ssl.principal.mapping.rules rule maps, or credentials (a session token, a user and password) that do not hold",
    );
  else {
    const host = peerHost(peer);
    const refused = checks.find(
      (c) =>
        !allowed(auth.authorizer, principal, host, c) &&
        !(c.orElse && allowed(auth.authorizer, principal, host, c.orElse)),
    );
    if (refused) error = authorizationError(principal, refused.operation, refused.resource, refused.name, request.what);
  }
  if (error) auth.onRefused({ service: request.service, method: request.method, principal, peer, error });
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
  const table = rules as unknown as Readonly<Record<string, MethodRule<unknown, unknown> | undefined>>;
  for (const method of Object.keys(handlers))
    invariant(table[method] !== undefined, () => `${service}.${method} has no authorization rule`);
  const authorizing = auth.authorizer.enabled;
  // With SASL on, a call whose token names no session is answered UNAUTHENTICATED, the
  // authorizer on or off: the client then authenticates again and retries.
  if (!authorizing && !auth.principals.sessions) return handlers;
  const unauthenticated = (
    call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>,
    method: string,
  ) => {
    const session = auth.principals.session(call);
    if (!session || !("invalid" in session)) return null;
    const error = new TidelogError("SASL_AUTHENTICATION_FAILED", session.invalid);
    auth.onRefused({ service, method, principal: null, peer: call.getPeer(), error });
    return Object.assign(new Error(session.invalid), { code: status.UNAUTHENTICATED, details: session.invalid });
  };
  const out: Record<string, Handler> = {};
  for (const [method, handler] of Object.entries(handlers as Record<string, Handler>)) {
    const rule = table[method] as MethodRule<unknown, unknown>;
    const refuse = handler.refuse;
    invariant(refuse !== undefined, () => `${service}.${method} cannot answer a refusal`);
    const what = `${service}.${method}`;
    const refused = (
      call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>,
      principal: Principal | null,
      request: unknown,
    ): TidelogError | null => refusal(auth, principal, call.getPeer(), rule.checks(request), { service, method, what });
    let wrapped: Handler;
    if (rule.stream) {
      const stream = handler as unknown as grpc.handleBidiStreamingCall<unknown, unknown>;
      const each = rule.stream === "each";
      const bidi: grpc.handleBidiStreamingCall<unknown, unknown> = (call) => {
        const bad = unauthenticated(call, method);
        if (bad) {
          call.emit("error", bad);
          return;
        }
        if (!authorizing) {
          stream(call);
          return;
        }
        const principal = auth.principals.of(call);
        if (each) {
          stream(checkEachRequest(call, refuse, (request) => refused(call, principal, request)));
          return;
        }
        // An "open" rule's checks do not read a request (there is none yet).
        const error = refused(call, principal, undefined);
        if (error) refuseStream(call, refuse, error);
        else stream(call);
      };
      wrapped = bidi as unknown as Handler;
    } else {
      const unary = handler as unknown as grpc.handleUnaryCall<unknown, unknown>;
      const filter = rule.filter;
      const single: grpc.handleUnaryCall<unknown, unknown> = (call, callback) => {
        const bad = unauthenticated(call, method);
        if (bad) {
          callback(bad);
          return;
        }
        if (!authorizing) {
          unary(call, callback);
          return;
        }
        const principal = auth.principals.of(call);
        const error = refused(call, principal, call.request);
        if (error) callback(null, refuse(call.request, error));
        else if (!filter || principal === null) unary(call, callback);
        else {
          const may = mayFor(auth.authorizer, principal, peerHost(call.getPeer()));
          unary(call, (e, res, ...rest) =>
            callback(e, e || res === undefined || res === null ? res : filter(call.request, res, may), ...rest),
          );
        }
      };
      wrapped = single as unknown as Handler;
    }
    out[method] = Object.assign(wrapped, { refuse }) as unknown as Handler;
  }
  return out as H;
}

/**
 * The call a stream handler sees when every request is checked: refused requests never
 * reach it; they are answered in their place in the order of the stream (the handler
 * answers its requests in order, and the client pairs answers with requests by position),
 * so a refused request's answer waits for the answers to the requests before it.
 */
function checkEachRequest(
  call: grpc.ServerDuplexStream<unknown, unknown>,
  refuse: Refuse<unknown, unknown>,
  refused: (request: unknown) => TidelogError | null,
): grpc.ServerDuplexStream<unknown, unknown> {
  // One slot per request, in arrival order; `answer` is set when it is known.
  const slots: { answer: unknown; answered: boolean }[] = [];
  // Slots of the requests the handler got, in order: its k-th write answers the k-th.
  const handlerSlots: { answer: unknown; answered: boolean }[] = [];
  let endWanted = false;
  const flush = () => {
    while (slots[0]?.answered) {
      const slot = slots.shift() as { answer: unknown };
      if (!call.cancelled) call.write(slot.answer);
    }
    if (endWanted && slots.length === 0 && !call.cancelled) call.end();
  };
  const onData = (listener: (request: unknown) => void) => (request: unknown) => {
    const error = refused(request);
    if (error) {
      slots.push({ answer: refuse(request, error), answered: true });
      flush();
      return;
    }
    const slot = { answer: undefined as unknown, answered: false };
    slots.push(slot);
    handlerSlots.push(slot);
    listener(request);
  };
  const proxy: grpc.ServerDuplexStream<unknown, unknown> = new Proxy(call, {
    get(target, property) {
      if (property === "on" || property === "addListener")
        return (event: string, listener: (...args: unknown[]) => void) => {
          target.on(event, event === "data" ? onData(listener) : listener);
          return proxy;
        };
      if (property === "write")
        return (answer: unknown) => {
          const slot = handlerSlots.shift();
          invariant(slot !== undefined, () => "a stream handler answered more requests than it was given");
          slot.answer = answer;
          slot.answered = true;
          flush();
          return true;
        };
      if (property === "end")
        return () => {
          endWanted = true;
          flush();
        };
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return proxy;
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
      error.code === "SASL_AUTHENTICATION_FAILED" ? "authentication failed" : "request refused: not authorized",
    );
  };
}
