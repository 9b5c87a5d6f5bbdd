/**
 * Probes. `/healthz` (liveness) answers 200 while the process can run a request at all:
 * it must not depend on etcd or peers, or an etcd outage would get every broker
 * restarted. `/readyz` (readiness) answers 200 only when the broker can serve (see
 * `Readiness`), else 503 with the checks that failed, so an operator sees why.
 */
import type { HttpRoutes } from "./http-server.js";

export interface Readiness {
  readonly ready: boolean;
  /** Each check by name: true when it passes. */
  readonly checks: Readonly<Record<string, boolean>>;
  /** Why not ready, for people. */
  readonly reasons: readonly string[];
}

export function healthRoutes(readiness: () => Readiness): HttpRoutes {
  return (app) => {
    app.get("/healthz", async () => ({ status: "ok" }));
    app.get("/readyz", async (_request, reply) => {
      const r = readiness();
      return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? "ready" : "not ready", ...r });
    });
  };
}
