/**
 * The ACLs resource of the admin REST API, mirroring `tidelog acls ...`:
 *
 *   GET    /v1/acls[?principal=&host=&resourceType=&resourceName=&patternType=&operation=&permission=]
 *                      list the ACLs the filter matches (every one without a filter)
 *   POST   /v1/acls    add      {acls: [{principal, host?, resourceType, resourceName, patternType?,
 *                                        operation, permission}]}      host defaults to "*",
 *                                                                      patternType to LITERAL
 *   DELETE /v1/acls?resourceType=Topic&resourceName=orders[&...]
 *                      remove the ACLs the filter matches; answers them
 *
 * e.g. POST {"acls":[{"principal":"User:alice","resourceType":"Topic","resourceName":"orders",
 *                     "operation":"Read","permission":"ALLOW"}]}
 *
 * The filter's fields and patternType ANY/MATCH are the gRPC DescribeAcls filter's
 * (security/acl.ts). A DELETE must name a resource type at least: a bare DELETE that
 * removed every ACL would lock everyone but the super users out by a typo. Bindings are
 * all validated before any is written (INVALID_REQUEST names the first problem).
 */
import type { wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import Type, { type Static } from "typebox";
import { validateAclBinding, validateAclFilter } from "../security/acl.js";
import { ACL_ITEMS_PER_REQUEST_MAX, type AclStore } from "../security/acl-store.js";
import { fromErrorInfo } from "./http-errors.js";
import type { HttpRoutes } from "./http-server.js";

const FIELD = Type.String({ maxLength: 1100 });
const Binding = Type.Object(
  {
    principal: FIELD,
    host: Type.Optional(FIELD),
    resourceType: FIELD,
    resourceName: FIELD,
    patternType: Type.Optional(FIELD),
    operation: FIELD,
    permission: FIELD,
  },
  { additionalProperties: false },
);
const CreateBody = Type.Object(
  { acls: Type.Array(Binding, { minItems: 1, maxItems: ACL_ITEMS_PER_REQUEST_MAX }) },
  { additionalProperties: false },
);
const FilterQuery = Type.Object(
  {
    principal: Type.Optional(FIELD),
    host: Type.Optional(FIELD),
    resourceType: Type.Optional(FIELD),
    resourceName: Type.Optional(FIELD),
    patternType: Type.Optional(FIELD),
    operation: Type.Optional(FIELD),
    permission: Type.Optional(FIELD),
  },
  { additionalProperties: false },
);

type Filter = Static<typeof FilterQuery>;

function wireFilter(query: Filter): wire.AclBindingFilter__Output {
  validateAclFilter(query);
  return {
    principal: query.principal ?? "",
    host: query.host ?? "",
    resourceType: query.resourceType ?? "",
    resourceName: query.resourceName ?? "",
    patternType: query.patternType ?? "",
    operation: query.operation ?? "",
    permission: query.permission ?? "",
  };
}

export function aclRoutes(acls: AclStore): HttpRoutes {
  return (app) => {
    app.get("/v1/acls", { schema: { querystring: FilterQuery } }, async (request) => {
      const res = await acls.describeAcls({ filter: wireFilter(request.query as Filter) });
      const error = fromErrorInfo(res.error);
      if (error) throw error;
      return { acls: res.bindings ?? [] };
    });

    app.post("/v1/acls", { schema: { body: CreateBody } }, async (request, reply) => {
      const creations = (request.body as Static<typeof CreateBody>).acls.map((raw) => validateAclBinding(raw));
      const res = await acls.createAcls({ creations });
      const error = fromErrorInfo(res.error) ?? (res.results ?? []).map((r) => fromErrorInfo(r.error)).find((e) => e);
      if (error) throw error;
      return reply.code(201).send({ acls: creations });
    });

    app.delete("/v1/acls", { schema: { querystring: FilterQuery } }, async (request) => {
      const query = request.query as Filter;
      if (!query.resourceType)
        throw new TidelogError(
          "INVALID_REQUEST",
          "name at least the resourceType of the ACLs to remove (a bare DELETE would remove every ACL)",
        );
      const res = await acls.deleteAcls({ filters: [wireFilter(query)] });
      const result = res.results?.[0];
      const error = fromErrorInfo(res.error) ?? fromErrorInfo(result?.error);
      if (error) throw error;
      return { deleted: result?.deleted ?? [] };
    });
  };
}
