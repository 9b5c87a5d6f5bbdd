/**
 * The topics resource of the admin REST API, mirroring `tidelog topics ...`:
 *
 *   GET    /v1/topics[?internal=true]           list
 *   POST   /v1/topics                           create  {name, partitions?, replicationFactor?, configs?, assignments?, validateOnly?}
 *   GET    /v1/topics/:name                     describe (partitions: leader, epoch, replicas, ISR, offline replicas)
 *   DELETE /v1/topics/:name                     delete
 *   GET    /v1/topics/:name/configs             every effective setting, with defaults marked
 *   PATCH  /v1/topics/:name/configs             alter   {set?, delete?, validateOnly?}
 *   POST   /v1/topics/:name/partitions          grow    {total, validateOnly?}
 *
 * Bodies are checked against typebox schemas before anything runs (unknown fields,
 * wrong types and out-of-range numbers are INVALID_REQUEST), names against the topic
 * name rules (INVALID_TOPIC_EXCEPTION); the operations themselves are the gRPC Admin
 * service's (`admin-operations.ts`), so both APIs validate and answer alike. Writes on a
 * broker that is not the controller are forwarded to it.
 */
import { topicNameProblem, type wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { FastifyRequest } from "fastify";
import Type, { type Static } from "typebox";
import type { AdminOperations } from "../admin/admin-operations.js";
import { PARTITIONS_PER_TOPIC_MAX } from "../cluster/controller.js";
import type { ControllerForwarder, ForwardedMethod } from "./controller-forwarder.js";
import { fromErrorInfo } from "./http-errors.js";
import type { HttpRoutes } from "./http-server.js";

/** Bounds on one request's contents (the body size is bounded separately). */
const CONFIGS_MAX = 100;
const CONFIG_KEY = Type.String({ minLength: 1, maxLength: 255 });
const CONFIG_VALUE = Type.Union([Type.String({ maxLength: 4096 }), Type.Integer(), Type.Boolean()]);
const CONFIGS = Type.Record(Type.String({ maxLength: 255 }), CONFIG_VALUE, { maxProperties: CONFIGS_MAX });
const BROKER_ID = Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 });

const CreateTopicBody = Type.Object(
  {
    name: Type.String({ maxLength: 1024 }),
    partitions: Type.Optional(Type.Integer({ minimum: 1, maximum: PARTITIONS_PER_TOPIC_MAX })),
    replicationFactor: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
    configs: Type.Optional(CONFIGS),
    /** Replicas of partition i at index i; excludes partitions and replicationFactor. */
    assignments: Type.Optional(
      Type.Array(Type.Array(BROKER_ID, { minItems: 1, maxItems: 100 }), {
        minItems: 1,
        maxItems: PARTITIONS_PER_TOPIC_MAX,
      }),
    ),
    validateOnly: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const AlterConfigsBody = Type.Object(
  {
    set: Type.Optional(CONFIGS),
    delete: Type.Optional(Type.Array(CONFIG_KEY, { maxItems: CONFIGS_MAX })),
    validateOnly: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const AddPartitionsBody = Type.Object(
  {
    total: Type.Integer({ minimum: 1, maximum: PARTITIONS_PER_TOPIC_MAX }),
    validateOnly: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const NameParams = Type.Object({ name: Type.String() }, { additionalProperties: false });
const ListQuery = Type.Object(
  { internal: Type.Optional(Type.Union([Type.Literal("true"), Type.Literal("false")])) },
  { additionalProperties: false },
);

type NameRequest = FastifyRequest<{ Params: Static<typeof NameParams> }>;

function checkedName(name: string): string {
  const problem = topicNameProblem(name);
  if (problem) throw new TidelogError("INVALID_TOPIC_EXCEPTION", problem);
  return name;
}

function stringValues(configs: Readonly<Record<string, string | number | boolean>> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(configs).map(([k, v]) => [k, String(v)]));
}

/** The one item of a one-topic answer, or its error thrown. */
function onlyItem<T extends { error?: { code?: number; message?: string } | null }>(items: readonly T[]): T {
  const item = items[0];
  if (!item) throw new TidelogError("UNKNOWN_SERVER_ERROR", "the operation answered no item");
  const error = fromErrorInfo(item.error);
  if (error) throw error;
  return item;
}

export function topicRoutes(ops: AdminOperations, forwarder: ControllerForwarder): HttpRoutes {
  /** Applies a write here when this broker is the controller, else at the controller. */
  const write = async <Res extends { results?: wire.TopicResult[] }>(
    method: ForwardedMethod,
    request: object,
    local: () => Promise<Res>,
  ) => {
    const res = ops.isController() ? await local() : await forwarder.forward<Res>(method, request);
    const item = onlyItem(res.results ?? []);
    return { name: item.name, topicId: item.topicId || null };
  };

  return (app) => {
    app.get("/v1/topics", { schema: { querystring: ListQuery } }, async (request) => {
      const query = request.query as Static<typeof ListQuery>;
      const res = await ops.listTopics({ includeInternal: query.internal === "true" });
      const error = fromErrorInfo(res.error);
      if (error) throw error;
      return { topics: res.topics ?? [] };
    });

    app.post("/v1/topics", { schema: { body: CreateTopicBody } }, async (request, reply) => {
      const body = request.body as Static<typeof CreateTopicBody>;
      const name = checkedName(body.name);
      if (body.assignments && (body.partitions !== undefined || body.replicationFactor !== undefined))
        throw new TidelogError("INVALID_REQUEST", "give either assignments or partitions/replicationFactor, not both");
      const req: wire.CreateTopicsRequest__Output = {
        topics: [
          {
            name,
            partitions: body.partitions ?? 0,
            replicationFactor: body.replicationFactor ?? 0,
            configs: stringValues(body.configs),
            assignments: (body.assignments ?? []).map((replicas, partition) => ({ partition, replicas })),
          },
        ],
        validateOnly: body.validateOnly ?? false,
      };
      const result = await write("CreateTopics", req, () => ops.createTopics(req, abandonment(request)));
      return reply.code(req.validateOnly ? 200 : 201).send({ ...result, validateOnly: req.validateOnly });
    });

    app.get("/v1/topics/:name", { schema: { params: NameParams } }, async (request: NameRequest) => {
      const name = checkedName(request.params.name);
      const res = await ops.describeTopics({ topics: [name] });
      const topic = onlyItem(res.topics ?? []);
      return {
        name: topic.name,
        topicId: topic.topicId,
        internal: topic.internal,
        configs: topic.configs,
        partitions: topic.partitions,
      };
    });

    app.delete("/v1/topics/:name", { schema: { params: NameParams } }, async (request: NameRequest) => {
      const req: wire.DeleteTopicsRequest__Output = { topics: [checkedName(request.params.name)] };
      return write("DeleteTopics", req, () => ops.deleteTopics(req, abandonment(request)));
    });

    app.get("/v1/topics/:name/configs", { schema: { params: NameParams } }, async (request: NameRequest) => {
      const res = await ops.describeConfigs({ topics: [checkedName(request.params.name)] });
      const topic = onlyItem(res.topics ?? []);
      return { name: topic.name, configs: topic.entries };
    });

    app.patch(
      "/v1/topics/:name/configs",
      { schema: { params: NameParams, body: AlterConfigsBody } },
      async (request: NameRequest) => {
        const body = request.body as Static<typeof AlterConfigsBody>;
        const req: wire.AlterConfigsRequest__Output = {
          topics: [{ name: checkedName(request.params.name), set: stringValues(body.set), delete: body.delete ?? [] }],
          validateOnly: body.validateOnly ?? false,
        };
        const result = await write("AlterConfigs", req, () => ops.alterConfigs(req, abandonment(request)));
        return { ...result, validateOnly: req.validateOnly };
      },
    );

    app.post(
      "/v1/topics/:name/partitions",
      { schema: { params: NameParams, body: AddPartitionsBody } },
      async (request: NameRequest) => {
        const body = request.body as Static<typeof AddPartitionsBody>;
        const req: wire.CreatePartitionsRequest__Output = {
          topics: [{ name: checkedName(request.params.name), totalCount: body.total }],
          validateOnly: body.validateOnly ?? false,
        };
        const result = await write("CreatePartitions", req, () => ops.createPartitions(req, abandonment(request)));
        return { ...result, totalCount: body.total, validateOnly: req.validateOnly };
      },
    );
  };
}

/** The client hung up: items not yet applied are skipped rather than done behind its back. */
function abandonment(request: FastifyRequest): { abandoned: () => boolean } {
  return { abandoned: () => request.raw.socket?.destroyed === true };
}
