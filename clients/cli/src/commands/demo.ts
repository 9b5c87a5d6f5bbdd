/**
 * `tidelog demo <name>`: the exactly-once demos of @tidelog/demos (pipeline, bank,
 * zombie, idempotence, at-least-once). Each starts its own local cluster (etcd + 3
 * brokers; needs a tidelog checkout and etcd) unless the global --bootstrap names a
 * running one, breaks things on purpose while it runs, and ends with a proof table.
 *
 * Unlike the other commands, the cluster is only the one given with --bootstrap:
 * TIDELOG_BOOTSTRAP and .tidelog/cluster.json are not looked at, since a demo on a
 * cluster it did not start can only do client-side faults (never touching a broker) and
 * that must be asked for, not found.
 *
 * Output: the narration and the table on stdout (a live status line on a terminal). With
 * --json the narration goes to stderr and stdout gets one document: { demo, proved,
 * exitCode, proof: { title, facts: { what: value }, checks: [{ name, expected, observed,
 * ok, examples }], claim }, error }. Exit codes: 0 proved, 1 a check was violated (or interrupted:
 * nothing proved), 2 usage error, 3 the demo could not run to its end.
 */
import { InvalidArgumentError } from "@commander-js/extra-typings";
import { DEMO_NAMES, DemoExit, type DemoName, isDemoName, MAX_SECONDS, MIN_SECONDS, runDemo } from "@tidelog/demos";
import { parseNonNegativeInt } from "../args.js";
import { ExitCode } from "../exit-codes.js";
import { onInterruptGentlyOnce } from "../io.js";
import type { Program } from "../program.js";
import type { Session } from "../session.js";

function parseDemoName(value: string): DemoName {
  if (!isDemoName(value))
    throw new InvalidArgumentError(`'${value}' is not a demo; the demos are ${DEMO_NAMES.join(", ")}.`);
  return value;
}

function parseSeconds(value: string): number {
  const n = parseNonNegativeInt(value, MAX_SECONDS);
  if (n < MIN_SECONDS)
    throw new InvalidArgumentError(`'${value}' is too short: a demo runs ${MIN_SECONDS}-${MAX_SECONDS} s.`);
  return n;
}

const DEMO_HELP = `
Demos (each proves its claim from what it reads back):
  pipeline       consume-transform-produce in transactions: every order's output exactly
                 once, through processor kill -9s, a rebalance, leader and coordinator kills
  bank           transfers as transactions across partitions, some aborted on purpose, with
                 read_committed auditors: both sides or neither, balances kept, no aborted read
  zombie         a frozen producer (SIGSTOP) replaced by a new instance with its
                 transactional id, then thawed: fenced, none of its records visible
  idempotence    an idempotent acks=all producer through leader kills and a frozen leader:
                 no duplicates, order kept, nothing acknowledged lost
  at-least-once  the pipeline without transactions: it must show duplicates (the negative
                 control proving the checker sees what exactly-once prevents)

Without --bootstrap a demo launches etcd + 3 brokers from the tidelog checkout it runs in
(etcd must be installed) and kills, freezes and restarts them; with --bootstrap it uses
that cluster and only kills its own processes (never a broker).

Exit codes: 0 proved, 1 a check violated (the records that show it are printed) or
interrupted, 2 usage error, 3 the demo could not run to its end (nothing proved).

Examples:
  $ tidelog demo pipeline
  $ tidelog demo bank --seconds 60
  $ tidelog --bootstrap 127.0.0.1:9292 demo at-least-once --seconds 30
  $ tidelog demo zombie --json > proof.json`;

export function registerDemoCommand(program: Program, session: Session): void {
  program
    .command("demo")
    .description("Run an exactly-once demo: faults injected while it runs, a proof printed at the end.")
    .argument("<name>", `the demo: ${DEMO_NAMES.join(", ")}`, parseDemoName)
    .option("--seconds <n>", `how long input and faults run, ${MIN_SECONDS}-${MAX_SECONDS} (default 20)`, parseSeconds)
    .option("--seed <n>", "seed of the inputs (amounts, customers, transfers), to repeat a run's inputs", (v) =>
      parseNonNegativeInt(v, 2 ** 32 - 1),
    )
    .addHelpText("after", DEMO_HELP)
    .action(async (name, options, command) => {
      const globals = command.optsWithGlobals();
      const output = session.begin(globals);
      const io = session.io;
      const narration = output.json ? io.stderr : io.stdout;
      const controller = new AbortController();
      const uninstall = onInterruptGentlyOnce(io, () => controller.abort());
      try {
        const result = await runDemo(name, {
          ...(options.seconds === undefined ? {} : { seconds: options.seconds }),
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(globals.bootstrap === undefined ? {} : { bootstrap: globals.bootstrap }),
          out: { write: (s) => narration.write(s), isTTY: narration.isTTY === true },
          signal: controller.signal,
        });
        if (output.json) {
          output.document({
            demo: name,
            proved: result.exitCode === DemoExit.proved,
            exitCode: result.exitCode,
            proof: result.proof && { ...result.proof, facts: Object.fromEntries(result.proof.facts) },
            error: result.error,
          });
        }
        session.exitCode =
          result.exitCode === DemoExit.proved
            ? ExitCode.ok
            : result.exitCode === DemoExit.notRun
              ? ExitCode.unreachable
              : ExitCode.clusterError;
      } finally {
        uninstall();
      }
    });
}
