/**
 * `GET /v1/cluster`: what `tidelog cluster describe` shows, as JSON.
 *
 *   {"clusterId":"tidelog","controller":{"id":1,"epoch":42},"answeredBy":2,
 *    "brokers":[{"id":1,"host":"10.0.0.7","port":9292,"httpPort":9293,"rack":null}, ...]}
 */
import type { AdminOperations } from "../admin/admin-operations.js";
import { fromErrorInfo } from "./http-errors.js";
import type { HttpRoutes } from "./http-server.js";

export function clusterRoutes(ops: AdminOperations): HttpRoutes {
  return (app) => {
    app.get("/v1/cluster", async () => {
      const res = await ops.describeCluster();
      const error = fromErrorInfo(res.error);
      if (error) throw error;
      return {
        clusterId: res.clusterId,
        controller: res.controllerId === -1 ? null : { id: res.controllerId, epoch: Number(res.controllerEpoch) },
        answeredBy: res.answeredBy,
        brokers: (res.brokers ?? []).map((b) => ({
          id: b.id,
          host: b.host,
          port: b.port,
          httpPort: b.httpPort,
          rack: b.rack || null,
        })),
      };
    });
  };
}
