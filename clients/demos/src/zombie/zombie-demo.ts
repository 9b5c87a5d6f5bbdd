/**
 * `zombie`: fencing of a frozen producer. Producer instances with one transactional id,
 * each its own process (zombie-instance.ts), in a chain of rounds until the time is up:
 *
 *   instance n has a transaction open (records sent, acknowledged, not committed)
 *   -> SIGSTOP instance n: frozen mid-transaction, a zombie that does not know it
 *      (first round, on a launched cluster: the id's transaction coordinator is killed too)
 *   -> instance n+1 starts: initTransactions() fences n (new epoch; n's transaction is
 *      aborted), then commits its own "successor" records and opens the next transaction
 *   -> SIGCONT instance n; it tries to commit, then to send again
 *
 * The last instance aborts its open transaction. Proof (zombie-check.ts): every zombie's
 * commit was refused with PRODUCER_FENCED (or INVALID_PRODUCER_EPOCH), its later send too;
 * read_committed shows every successor record once and no zombie record; read_uncommitted
 * shows the zombie records were really written.
 */
import { BrokerFaults } from "../broker-faults.js";
import type { Demo, DemoContext } from "../demo.js";
import type { DemoChild } from "../demo-child.js";
import { createTopics } from "../demo-cluster.js";
import { CHILD_READY_TIMEOUT_MS } from "../limits.js";
import type { Proof } from "../proof.js";
import { readTopic } from "../read-topic.js";
import { checkZombies, type ZombieRound } from "./zombie-check.js";
import { type InstanceArgs, type InstanceReport, isInstanceReport, type PaymentRecord } from "./zombie-protocol.js";

const PARTITIONS = 3;
const RECORDS_PER_TRANSACTION = 6;
const BROKER_DOWN_MS = 2_000;

type Instance = DemoChild<InstanceReport>;

export class ZombieDemo implements Demo {
  readonly summary =
    "a producer frozen (SIGSTOP) mid-transaction is replaced by a new instance with its transactional id, then thawed: it is fenced and none of its records is visible";

  async run(ctx: DemoContext): Promise<Proof> {
    const { progress, signal } = ctx;
    const topic = `payments-${ctx.runId}`;
    const transactionalId = `zombie-${ctx.runId}`;
    await createTopics(ctx.admin, [{ name: topic, partitions: PARTITIONS }], signal);
    progress.event(
      `topic ${topic} (${PARTITIONS} partitions); every instance uses transactional id ${transactionalId}`,
    );
    const cluster = ctx.cluster.faults;
    const brokers = cluster && new BrokerFaults(cluster, ctx.admin, [topic], ctx.faults, progress, signal);
    const spawn = (instance: number): Instance => {
      const args: InstanceArgs = {
        bootstrap: ctx.cluster.bootstrap,
        topic,
        partitions: PARTITIONS,
        transactionalId,
        instance,
        recordsPerTransaction: RECORDS_PER_TRANSACTION,
      };
      return ctx.children.spawn<InstanceReport>("zombie/zombie-instance", `instance ${instance}`, args);
    };
    const deadline = progress.elapsedMs() + ctx.seconds * 1000;
    const rounds: ZombieRound[] = [];
    let zombie = spawn(0);
    await zombie.waitForMessage(isInstanceReport("sent"), CHILD_READY_TIMEOUT_MS, 0, signal);
    progress.event(
      `instance 0 (pid ${zombie.pid}) opened a transaction: ${RECORDS_PER_TRANSACTION} records sent, not committed`,
    );
    for (let n = 0; ; n++) {
      await zombie.freeze();
      ctx.faults.done("zombie SIGSTOP", `SIGSTOP instance ${n} (pid ${zombie.pid}): frozen with its transaction open`);
      if (n === 0 && brokers) await brokers.killCoordinator(transactionalId, BROKER_DOWN_MS);
      const successor = spawn(n + 1);
      await successor.waitForMessage(isInstanceReport("committed"), CHILD_READY_TIMEOUT_MS, 0, signal);
      progress.event(
        `instance ${n + 1} (pid ${successor.pid}) started: initTransactions fenced instance ${n}; ` +
          `it committed ${RECORDS_PER_TRANSACTION} records`,
      );
      await zombie.thaw();
      const since = zombie.messageSeq;
      zombie.send({ type: "commit" });
      progress.event(`SIGCONT instance ${n}: it tries to commit its transaction, then to send again`);
      const result = await zombie.waitForMessage(isInstanceReport("result"), CHILD_READY_TIMEOUT_MS, since, signal);
      progress.event(
        result.committed
          ? `instance ${n}'s commit was ACCEPTED: a zombie committed`
          : `instance ${n}'s commit refused: ${result.code}; its later send ${result.laterSend}`,
      );
      rounds.push({ zombie: n, commit: result });
      await zombie.exited;
      await successor.waitForMessage(isInstanceReport("sent"), CHILD_READY_TIMEOUT_MS, 0, signal);
      zombie = successor;
      if (progress.elapsedMs() >= deadline) break;
      progress.event(`instance ${n + 1} opened its next transaction; round ${n + 2}`);
    }
    zombie.send({ type: "abort" });
    await zombie.waitForMessage(isInstanceReport("aborted"), CHILD_READY_TIMEOUT_MS, 0, signal);
    progress.event(`time is up: instance ${rounds.length} aborted its open transaction`);
    await brokers?.settled();

    const committed = await readTopic(ctx.client, topic, "read_committed");
    const uncommitted = await readTopic(ctx.client, topic, "read_uncommitted");
    const parse = (r: { partition: number; offset: number; value: string }) => ({
      where: `${topic}-${r.partition}@${r.offset}`,
      record: JSON.parse(r.value) as PaymentRecord,
    });
    const findings = checkZombies(rounds, committed.map(parse), uncommitted.map(parse), RECORDS_PER_TRANSACTION);
    return {
      title: `Proof: zombie (fencing a frozen transactional producer), ${ctx.seconds} s`,
      facts: [...findings.facts, ["faults", ctx.faults.summary()]],
      checks: findings.checks,
      claim:
        "every frozen instance was fenced when thawed (its commit refused), none of its records is visible to read_committed, and every successor's records are, once.",
    };
  }
}
