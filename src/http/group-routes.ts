/**
 * The consumer-groups resource of the admin REST API, mirroring `tidelog groups ...`:
 *
 *   GET    /v1/groups                          list: every group of every coordinator
 *   GET    /v1/groups/:groupId                 describe: state, epochs, members and their
 *                                              assignments; per partition committed offset,
 *                                              log end offset, lag and owner
 *   POST   /v1/groups/:groupId/offsets/reset   {topics, to? | datetime? | offset? | shiftBy?, execute?}
 *   DELETE /v1/groups/:groupId                 delete an empty group and its offsets
 *
 * A group lives on its coordinator, and a listing needs every broker; an HTTP client
 * behind a load-balancing Service reaches any one broker. So these routes answer through
 * the SDK's group admin (a `Client` this broker opens to the cluster, starting at itself:
 * `http-admin-client.ts`), the very code `tidelog groups` runs: it finds coordinators,
 * follows them when they move, and reads log end offsets from the partition leaders.
 * Writing that again against the local coordinator would give two answers to one question.
 *
 * Bodies and parameters are checked before anything is sent: typebox for shapes (unknown
 * fields, wrong types: INVALID_REQUEST), the Group service's own rule for group ids
 * (INVALID_GROUP_ID), Kafka's rule for topic names, and exactly one reset target.
 */
import type { Admin, OffsetResetSpec } from "@tidelog/client";
import { topicNameProblem } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { FastifyRequest } from "fastify";
import Type, { type Static } from "typebox";
import { groupIdProblem } from "../group/group-partition.js";
import type { HttpRoutes } from "./http-server.js";

/** Topics one offset reset may name: bounds the work of one request. */
const TOPICS_MAX = 100;
const OFFSET = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

const GroupParams = Type.Object({ groupId: Type.String() }, { additionalProperties: false });

const ResetBody = Type.Object(
  {
    topics: Type.Array(Type.String({ maxLength: 1024 }), { minItems: 1, maxItems: TOPICS_MAX }),
    to: Type.Optional(Type.Union([Type.Literal("earliest"), Type.Literal("latest")])),
    /** Milliseconds since the epoch, or an ISO 8601 date-time. */
    datetime: Type.Optional(Type.Union([OFFSET, Type.String({ minLength: 1, maxLength: 64 })])),
    offset: Type.Optional(OFFSET),
    shiftBy: Type.Optional(Type.Integer({ minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER })),
    execute: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

type GroupRequest = FastifyRequest<{ Params: Static<typeof GroupParams> }>;

function checkedGroupId(request: GroupRequest): string {
  const id = request.params.groupId;
  const problem = id.length === 0 ? "a group id is required" : groupIdProblem("group", id);
  if (problem) throw new TidelogError("INVALID_GROUP_ID", problem);
  return id;
}

/** Exactly one target of a reset body, as the SDK's spec. */
function resetSpecOf(body: Static<typeof ResetBody>): OffsetResetSpec {
  const given: OffsetResetSpec[] = [];
  if (body.to !== undefined) given.push({ to: body.to });
  if (body.datetime !== undefined) given.push({ to: "datetime", timestamp: timestampOf(body.datetime) });
  if (body.offset !== undefined) given.push({ to: "offset", offset: body.offset });
  if (body.shiftBy !== undefined) given.push({ shiftBy: body.shiftBy });
  if (given.length !== 1) {
    throw new TidelogError(
      "INVALID_REQUEST",
      `give exactly one of to ("earliest" or "latest"), datetime, offset and shiftBy; got ${given.length}`,
    );
  }
  return given[0] as OffsetResetSpec;
}

function timestampOf(datetime: number | string): number {
  const ms = typeof datetime === "number" ? datetime : Date.parse(datetime);
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new TidelogError("INVALID_REQUEST", `datetime '${datetime}' is neither milliseconds nor an ISO 8601 time`);
  }
  return ms;
}

function checkedTopics(topics: readonly string[]): string[] {
  for (const t of topics) {
    const problem = topicNameProblem(t);
    if (problem) throw new TidelogError("INVALID_TOPIC_EXCEPTION", problem);
  }
  return [...new Set(topics)];
}

/** `admin` is called per request: the broker opens its client on first use. */
export function groupRoutes(admin: () => Admin): HttpRoutes {
  return (app) => {
    app.get("/v1/groups", async () => {
      const { groups, unreachable } = await admin().listGroups();
      return { groups, unreachableBrokers: unreachable };
    });

    app.get("/v1/groups/:groupId", { schema: { params: GroupParams } }, async (request: GroupRequest) => {
      const groupId = checkedGroupId(request);
      return { groupId, ...(await admin().groupStatus(groupId)) };
    });

    app.post(
      "/v1/groups/:groupId/offsets/reset",
      { schema: { params: GroupParams, body: ResetBody } },
      async (request: GroupRequest) => {
        const groupId = checkedGroupId(request);
        const body = request.body as Static<typeof ResetBody>;
        const spec = resetSpecOf(body);
        const execute = body.execute ?? false;
        const partitions = await admin().resetGroupOffsets(groupId, checkedTopics(body.topics), spec, { execute });
        return { groupId, executed: execute, partitions };
      },
    );

    app.delete("/v1/groups/:groupId", { schema: { params: GroupParams } }, async (request: GroupRequest) => {
      const groupId = checkedGroupId(request);
      const [result] = await admin().deleteGroups([groupId]);
      if (result?.error) throw result.error;
      return { groupId, deleted: true };
    });
  };
}
