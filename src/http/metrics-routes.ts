/** `GET /metrics`: the broker's registry in Prometheus's text format, collected now. */
import type { BrokerMetrics } from "../metrics/broker-metrics.js";
import type { HttpRoutes } from "./http-server.js";

export function metricsRoutes(metrics: BrokerMetrics): HttpRoutes {
  return (app) => {
    app.get("/metrics", async (_request, reply) => {
      const { contentType, body } = await metrics.scrape();
      return reply.header("content-type", contentType).send(body);
    });
  };
}
