/**
 * Partition moves and brokers in the admin REST API, mirroring `tidelog partitions
 * reassign` and `tidelog brokers list`:
 *
 *   GET    /v1/reassignments[?topic=T]   the moves in progress and the throttle
 *   POST   /v1/reassignments             start moves {partitions: [{topic, partition, replicas}], throttleBytesPerSecond?}
 *   DELETE /v1/reassignments             cancel moves: those in the body {partitions: [{topic, partition}]}, or all
 *   GET    /v1/brokers                   each live broker: partitions, leaders, bytes held and free
 *
 * Answered through the SDK's admin (the `Client` this broker opens to the cluster, as the
 * group routes do): it sends writes to the controller wherever it is, and asks every
 * broker for its own log directory. Per-partition failures are in each item's `error`
 * (the shared error JSON), as the CLI prints them.
 */
import type { Admin, ReassignmentResult } from "@tidelog/client";
import { topicNameProblem } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import Type, { type Static } from "typebox";
import { errorBody } from "./http-errors.js";
import type { HttpRoutes } from "./http-server.js";

/** Partitions one request may name: bounds its work (as ITEMS_PER_REQUEST_MAX on gRPC). */
const PARTITIONS_MAX = 1000;
const PARTITION = Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 });
const BROKER_ID = Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 });
const TOPIC = Type.String({ minLength: 1, maxLength: 1024 });

const StartBody = Type.Object(
  {
    partitions: Type.Array(
      Type.Object(
        {
          topic: TOPIC,
          partition: PARTITION,
          replicas: Type.Array(BROKER_ID, { minItems: 1, maxItems: 100 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: PARTITIONS_MAX },
    ),
    throttleBytesPerSecond: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  },
  { additionalProperties: false },
);

const CancelBody = Type.Union([
  Type.Null(),
  Type.Object(
    {
      partitions: Type.Array(Type.Object({ topic: TOPIC, partition: PARTITION }, { additionalProperties: false }), {
        maxItems: PARTITIONS_MAX,
      }),
    },
    { additionalProperties: false },
  ),
]);

const ListQuery = Type.Object({ topic: Type.Optional(TOPIC) }, { additionalProperties: false });

function checkTopics(topics: readonly string[]): void {
  for (const t of topics) {
    const problem = topicNameProblem(t);
    if (problem) throw new TidelogError("INVALID_TOPIC_EXCEPTION", problem);
  }
}

function results(list: readonly ReassignmentResult[]) {
  return {
    results: list.map((r) => ({
      topic: r.topic,
      partition: r.partition,
      error: r.error ? errorBody(r.error).error : null,
    })),
  };
}

export function reassignmentRoutes(admin: () => Admin): HttpRoutes {
  return (app) => {
    app.get("/v1/reassignments", { schema: { querystring: ListQuery } }, async (request) => {
      const query = request.query as Static<typeof ListQuery>;
      const topics = query.topic === undefined ? [] : [query.topic];
      checkTopics(topics);
      return admin().listPartitionReassignments(topics);
    });

    app.post("/v1/reassignments", { schema: { body: StartBody } }, async (request) => {
      const body = request.body as Static<typeof StartBody>;
      checkTopics(body.partitions.map((p) => p.topic));
      return results(
        await admin().alterPartitionReassignments(
          body.partitions,
          body.throttleBytesPerSecond === undefined ? {} : { throttleBytesPerSecond: body.throttleBytesPerSecond },
        ),
      );
    });

    app.delete("/v1/reassignments", { schema: { body: CancelBody } }, async (request) => {
      const body = request.body as Static<typeof CancelBody> | undefined;
      const listed = body?.partitions ?? (await admin().listPartitionReassignments()).reassignments;
      checkTopics(listed.map((p) => p.topic));
      return results(
        await admin().alterPartitionReassignments(
          listed.map((p) => ({ topic: p.topic, partition: p.partition, replicas: null })),
        ),
      );
    });

    app.get("/v1/brokers", async () => ({
      brokers: (await admin().listBrokers()).map((b) => ({ ...b, error: b.error ? errorBody(b.error).error : null })),
    }));
  };
}
