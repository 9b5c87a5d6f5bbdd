/**
 * The broker's HTTP server (fastify): health and readiness probes, Prometheus metrics and
 * the admin REST API under `/v1/`. Routes come in modules, one per resource
 * (`health-routes.ts`, `metrics-routes.ts`, `cluster-routes.ts`, `topic-routes.ts`); a
 * new resource (consumer groups) is one more module in the list `broker.ts` passes here.
 *
 * Bounds: request bodies (`http.body.max.bytes`, 413), the admin API's request rate
 * (`http.request.rate.max` per second, 429; probes and /metrics are never throttled, so a
 * busy admin script cannot get a broker restarted), URL parameter length, and time per
 * request. Request bodies and query strings are validated with typebox, the config's
 * schema system, compiled once per route: unknown fields are refused, not dropped.
 *
 * Every failure, including fastify's own (malformed JSON, wrong content type, unknown
 * route), is answered as a typed JSON error (`http-errors.ts`). A refused request has
 * changed nothing: validation runs before any handler.
 */
import type { TLSSocket } from "node:tls";
import { TidelogError } from "@tidelog/client/record";
import Fastify, { type FastifyError, type FastifyInstance } from "fastify";
import type { TSchema } from "typebox";
import { Compile } from "typebox/compile";
import type { Clock } from "../common/clock.js";
import type { Logger } from "../common/logger.js";
import { PeriodicTask } from "../common/periodic-task.js";
import { asServerError } from "../common/server-error.js";
import { errorBody, httpStatusOf } from "./http-errors.js";
import { RateLimiter } from "./rate-limiter.js";

/** A group of routes, registered on the server by `createHttpServer`. */
export type HttpRoutes = (app: FastifyInstance) => void;

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly bodyMaxBytes: number;
  readonly requestRateMax: number;
  readonly routes: readonly HttpRoutes[];
  readonly logger: Logger;
  /** HTTPS instead of HTTP (security.protocol=SSL); absent: plaintext. */
  readonly tls?: HttpTls;
  /**
   * With an authorizer: whether the caller (by its client certificate) may use each admin
   * route (`/v1/`), checked before the body is validated.
   */
  readonly authorizeAdmin?: AdminAuthorization | undefined;
}

/** The admin API's authorization (server/authorization.ts builds it from its route rules). */
export interface AdminAuthorization {
  /** Whether a route has a rule: registering a `/v1/` route without one throws, so none goes unchecked. */
  covers(method: string, url: string): boolean;
  /** The refusal to answer with, or null; and, for a list the caller may see only part of, what to leave out. */
  check(request: {
    /** The Authorization header: a SASL session's Bearer token, or Basic credentials of a SCRAM user (HTTPS only). */
    authorization: string | undefined;
    method: string;
    url: string;
    /** The matched route's pattern ("/v1/topics/:name"); undefined when no route matches. */
    route: string | undefined;
    params: Readonly<Record<string, string | undefined>>;
    query: Readonly<Record<string, unknown>>;
    body: unknown;
    peer: string;
    certificate: { raw?: Buffer; fingerprint256?: string } | undefined;
  }): Promise<{ error: TidelogError | null; filter?: (payload: unknown) => unknown }>;
}

/** The HTTPS side: PEM contents read on demand (again every refresh, for rotation). */
export interface HttpTls {
  readonly read: () => { key: Buffer; cert: Buffer; ca?: Buffer };
  /** required: the admin API (`/v1/`) answers only clients with a certificate the CA signed; probes and /metrics never ask. */
  readonly clientAuth: "none" | "requested" | "required";
  readonly refreshIntervalMs: number;
  readonly clock: Clock;
}

/** Longest path parameter: a topic name is at most 249 characters; longer is refused by name rules, not as a 404. */
const PARAM_MAX_LENGTH = 1024;
/** Bound on one request, long enough for an admin write waiting on etcd. */
const REQUEST_TIMEOUT_MS = 60_000;
/** Only the admin API is rate-limited. */
const LIMITED_PREFIX = "/v1/";

export interface HttpServer {
  readonly app: FastifyInstance;
  /** Binds; resolves to the bound port (which differs from the option when it is 0). */
  listen(): Promise<number>;
  close(): Promise<void>;
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const tls = options.tls;
  // A certificate is asked for but never required during the handshake: probes and
  // /metrics must answer without one (a kubelet has none); the admin API checks it below.
  const https = tls ? { ...tls.read(), requestCert: tls.clientAuth !== "none", rejectUnauthorized: false } : null;
  const app = Fastify({
    ...(https ? { https } : {}),
    logger: false,
    bodyLimit: options.bodyMaxBytes,
    // Router options go under routerOptions (fastify 5 warns FSTDEP022 at the top level).
    routerOptions: { maxParamLength: PARAM_MAX_LENGTH },
    requestTimeout: REQUEST_TIMEOUT_MS,
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    return503OnClosing: true,
  });
  const limiter = new RateLimiter(options.requestRateMax);
  // JSON only: a text body is refused with 415 rather than read as a string.
  app.removeContentTypeParser("text/plain");

  app.setValidatorCompiler(({ schema }) => {
    const validator = Compile(schema as TSchema);
    return (data: unknown) => {
      if (validator.Check(data)) return { value: data };
      const first = [...validator.Errors(data)].find((e) => e.keyword !== "boolean") ?? [...validator.Errors(data)][0];
      const where = first?.instancePath ? `${first.instancePath}: ` : "";
      const extra = (first?.params as { additionalProperties?: string[] } | undefined)?.additionalProperties;
      const detail = extra ? `unknown field(s) ${extra.join(", ")}` : (first?.message ?? "invalid");
      return { error: new TidelogError("INVALID_REQUEST", `${where}${detail}`) };
    };
  });

  if (tls?.clientAuth === "required") {
    app.addHook("onRequest", async (request, reply) => {
      if (!request.url.startsWith(LIMITED_PREFIX)) return;
      if ((request.raw.socket as TLSSocket).authorized === true) return;
      const e = new TidelogError(
        "SASL_AUTHENTICATION_FAILED",
        "the admin API needs a client certificate signed by the cluster's CA (ssl.client.auth=required)",
      );
      return reply.code(httpStatusOf(e)).send(errorBody(e));
    });
  }

  const authorizeAdmin = options.authorizeAdmin;
  if (authorizeAdmin) {
    app.addHook("onRoute", (route) => {
      if (!route.url.startsWith(LIMITED_PREFIX)) return;
      for (const method of [route.method].flat())
        if (method !== "HEAD" && !authorizeAdmin.covers(method, route.url))
          throw new Error(`${method} ${route.url} has no authorization rule`);
    });
    // Filters of lists, by request: set when the check passes, applied to the answer.
    const filters = new WeakMap<object, (payload: unknown) => unknown>();
    // preValidation: after the body is parsed (POST /v1/topics names its topic there),
    // before it is validated, so a caller without rights learns nothing from its errors.
    app.addHook("preValidation", async (request, reply) => {
      if (!request.url.startsWith(LIMITED_PREFIX)) return;
      const socket = request.raw.socket as TLSSocket;
      const { error, filter } = await authorizeAdmin.check({
        // Credentials in a header only over HTTPS: in the clear they would be anyone's.
        authorization: tls ? request.headers.authorization : undefined,
        method: request.method === "HEAD" ? "GET" : request.method,
        url: request.url,
        route: request.routeOptions.url,
        params: (request.params ?? {}) as Record<string, string | undefined>,
        query: (request.query ?? {}) as Record<string, unknown>,
        body: request.body,
        peer: `${socket.remoteAddress}:${socket.remotePort}`,
        certificate: socket.authorized === true ? socket.getPeerCertificate() : undefined,
      });
      if (error) return reply.code(httpStatusOf(error)).send(errorBody(error));
      if (filter) filters.set(request, filter);
    });
    app.addHook("preSerialization", async (request, reply, payload) => {
      const filter = filters.get(request);
      return filter && reply.statusCode < 300 ? filter(payload) : payload;
    });
  }

  app.addHook("onRequest", async (request, reply) => {
    if (!request.url.startsWith(LIMITED_PREFIX) || limiter.tryTake()) return;
    const e = new TidelogError("THROTTLING_QUOTA_EXCEEDED", `more than ${options.requestRateMax} requests per second`);
    reply.header("retry-after", String(limiter.retryAfterSec()));
    return reply.code(httpStatusOf(e)).send(errorBody(e));
  });

  app.setErrorHandler((error: FastifyError | TidelogError, _request, reply) => {
    const e = toTidelogError(error, options.logger);
    return reply.code(errorStatus(error, e)).send(errorBody(e));
  });

  app.setNotFoundHandler((request, reply) => {
    const e = new TidelogError("RESOURCE_NOT_FOUND", `no route ${request.method} ${request.url.split("?")[0]}`);
    return reply.code(404).send(errorBody(e));
  });

  for (const routes of options.routes) routes(app);

  // Rotation: the files are read again on a timer and a changed certificate or key goes
  // into the listener's secure context, for the connections that come next.
  let current = https;
  const refresh = tls
    ? new PeriodicTask({
        clock: tls.clock,
        intervalMs: tls.refreshIntervalMs,
        run: () => {
          const next = tls.read();
          if (current && next.key.equals(current.key) && next.cert.equals(current.cert) && sameCa(next.ca, current.ca))
            return;
          (app.server as unknown as { setSecureContext(o: object): void }).setSecureContext(next);
          current = { ...next, requestCert: tls.clientAuth !== "none", rejectUnauthorized: false };
          options.logger.info("HTTPS certificate reloaded");
        },
        onError: (e) => options.logger.warn({ err: (e as Error).message }, "could not reload the HTTPS certificate"),
      })
    : null;

  return {
    app,
    async listen() {
      await app.listen({ host: options.host, port: options.port });
      refresh?.start();
      const address = app.server.address();
      return typeof address === "object" && address ? address.port : options.port;
    },
    close: async () => {
      await refresh?.stop();
      await app.close();
    },
  };
}

/** Fastify's client errors (bad JSON, body too large, wrong media type) keep their 4xx. */
function errorStatus(error: FastifyError | TidelogError, e: TidelogError): number {
  if (error instanceof TidelogError) return httpStatusOf(e);
  const status = error.statusCode ?? 500;
  return status >= 400 && status < 500 ? status : httpStatusOf(e);
}

function toTidelogError(error: FastifyError | TidelogError, logger: Logger): TidelogError {
  if (error instanceof TidelogError) return error;
  const status = error.statusCode ?? 500;
  if (status === 429) return new TidelogError("THROTTLING_QUOTA_EXCEEDED", error.message);
  if (status >= 400 && status < 500) return new TidelogError("INVALID_REQUEST", error.message);
  return asServerError(error, logger, "HTTP request failed unexpectedly");
}

function sameCa(a: Buffer | undefined, b: Buffer | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.equals(b);
}
