/**
 * The transactions resource of the admin REST API, mirroring `tidelog transactions ...`:
 *
 *   GET  /v1/transactions[?state=Ongoing,PrepareCommit]   list: every coordinator's transactions,
 *                                                         each with its coordinator
 *   GET  /v1/transactions/:transactionalId                describe: state, producer id and epoch,
 *                                                         timeout, start, partitions, coordinator
 *   POST /v1/transactions/:transactionalId/abort          abort the ongoing transaction (as its
 *                                                         timeout would) and fence its producer
 *
 * A transactional id lives on its coordinator and a listing needs every broker, so, as
 * the group routes do, these answer through the SDK's admin (`http-admin-client.ts`), the
 * code `tidelog transactions` runs: it finds each id's coordinator and follows it when it
 * moves.
 *
 * Parameters are checked before anything is sent: the coordinator's rule for
 * transactional ids (1-255 characters, no control characters) and the known state names,
 * both INVALID_REQUEST (400). An id no coordinator knows is RESOURCE_NOT_FOUND (404); an
 * abort of a transaction that is not ongoing is INVALID_TXN_STATE (409).
 */
import { type Admin, isTransactionState, TRANSACTION_STATES, type TransactionState } from "@tidelog/client";
import { TidelogError } from "@tidelog/client/record";
import type { FastifyRequest } from "fastify";
import Type, { type Static } from "typebox";
import { transactionalIdProblem } from "../txn/transaction-metadata.js";
import type { HttpRoutes } from "./http-server.js";

const IdParams = Type.Object({ transactionalId: Type.String() }, { additionalProperties: false });
const ListQuery = Type.Object(
  { state: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) },
  { additionalProperties: false },
);

type IdRequest = FastifyRequest<{ Params: Static<typeof IdParams> }>;
type ListRequest = FastifyRequest<{ Querystring: Static<typeof ListQuery> }>;

function checkedId(request: IdRequest): string {
  const id = request.params.transactionalId;
  const problem = transactionalIdProblem(id);
  if (problem) throw new TidelogError("INVALID_REQUEST", problem);
  return id;
}

/** `?state=Ongoing,PrepareCommit`: known state names, comma-separated. */
function statesOf(state: string | undefined): TransactionState[] {
  if (state === undefined) return [];
  const states = state.split(",").map((s) => s.trim());
  const unknown = states.filter((s) => !isTransactionState(s));
  if (unknown.length > 0) {
    throw new TidelogError(
      "INVALID_REQUEST",
      `unknown transaction state(s) ${unknown.map((s) => `'${s}'`).join(", ")}; states are ${TRANSACTION_STATES.join(", ")}`,
    );
  }
  return [...new Set(states as TransactionState[])];
}

/** `admin` is called per request: the broker opens its client on first use. */
export function transactionRoutes(admin: () => Admin): HttpRoutes {
  return (app) => {
    app.get("/v1/transactions", { schema: { querystring: ListQuery } }, async (request: ListRequest) => {
      const { transactions, unreachable } = await admin().listTransactions({ states: statesOf(request.query.state) });
      return { transactions, unreachableBrokers: unreachable };
    });

    app.get("/v1/transactions/:transactionalId", { schema: { params: IdParams } }, async (request: IdRequest) => {
      const { error: _none, ...description } = await admin().describeTransaction(checkedId(request));
      return description;
    });

    app.post(
      "/v1/transactions/:transactionalId/abort",
      { schema: { params: IdParams } },
      async (request: IdRequest) => {
        const id = checkedId(request);
        const before = await admin().describeTransaction(id);
        await admin().abortTransaction(id);
        return {
          transactionalId: id,
          aborted: true,
          producerId: before.producerId,
          producerEpoch: before.producerEpoch,
          partitions: before.partitions,
        };
      },
    );
  };
}
