// Options from JavaScript are checked by name: a typo is refused with the nearest known
// option instead of being ignored in favour of the default (lingerMS silently meant
// lingerMs = 5 before), for the client, producers and consumers alike.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Client } from "@tidelog/client";

test("an unknown option is refused with the nearest known one", async (t) => {
  const client = new Client({ brokers: "127.0.0.1:1" });
  t.after(() => client.close());
  const refused = (fn: () => unknown, message: RegExp) =>
    assert.throws(
      fn,
      (e: unknown) => e instanceof Error && /INVALID_CONFIG/.test(e.message) && message.test(e.message),
    );
  refused(
    () => client.producer({ lingerMS: 5 } as never),
    /unknown producer option 'lingerMS' \(did you mean 'lingerMs'\?\)/,
  );
  refused(() => client.producer({ transactionalID: "x" } as never), /did you mean 'transactionalId'/);
  refused(
    () => client.consumer({ groupID: "g" } as never),
    /unknown consumer option 'groupID' \(did you mean 'groupId'\?\)/,
  );
  refused(() => client.consumer({ isolation: "read_committed" } as never), /unknown consumer option 'isolation'/);
  refused(
    () => new Client({ broker: "127.0.0.1:1" } as never),
    /unknown client option 'broker' \(did you mean 'brokers'\?\)/,
  );
  refused(
    () => client.producer({ nothingLikeIt: 1 } as never),
    /unknown producer option 'nothingLikeIt'; the options are acks, /,
  );
  // Every documented option is accepted.
  const p = client.producer({ lingerMs: 0, transactionalId: "ok", transactionTimeoutMs: 1000 });
  await p.close();
  const c = client.consumer({ isolationLevel: "read_uncommitted", groupId: "g", autoCommit: false });
  await c.close();
});
