/**
 * `demo <name> [--seconds N] [--bootstrap host:port[,...]] [--seed N]`, checked at the
 * edge: a bad argument is a usage error naming what is allowed, before anything starts.
 */
import { parseBrokerList, TidelogError } from "@tidelog/client";
import { DEMO_NAMES, type DemoName, isDemoName } from "./demo.js";
import { MAX_SECONDS, MIN_SECONDS } from "./limits.js";

export class DemoUsageError extends Error {
  override name = "DemoUsageError";
}

export interface DemoArgs {
  readonly name: DemoName;
  readonly seconds?: number;
  readonly bootstrap?: string;
  readonly seed?: number;
}

export const DEMO_USAGE = `Usage: npm run demo -- <name> [--seconds N] [--bootstrap host:port[,host:port...]] [--seed N]

Demos (each proves its claim from what it reads back, exit status 0 when proved, 1 when not):
  pipeline       consume-transform-produce in transactions: every order's output exactly once,
                 through processor kill -9s, a rebalance, and leader and coordinator kills
  bank           transfers as transactions across partitions, some aborted on purpose, with
                 read_committed auditors: both sides or neither, balances kept, no aborted read
  zombie         a frozen producer (SIGSTOP) replaced by a new instance with its transactional
                 id, then thawed: it is fenced, and none of its records is visible
  idempotence    an idempotent acks=all producer through leader kills and a paused broker:
                 no duplicates, order kept, nothing acknowledged lost
  at-least-once  the pipeline without transactions: it must show duplicates (the negative
                 control proving the checker sees what exactly-once prevents)

Options:
  --seconds N    how long input and faults run (${MIN_SECONDS}-${MAX_SECONDS}, default 20); draining and checking follow
  --bootstrap B  use a running cluster instead of launching etcd + 3 brokers; only client-side
                 faults are done then (processors killed), never a broker touched
  --seed N       seed of the inputs (amounts, customers, transfers), to repeat a run's inputs

Exit status: 0 proved, 1 a check violated (the records that show it are printed),
2 usage error, 3 the demo could not run to its end (nothing proved either way), 130 interrupted.
`;

function integer(flag: string, value: string | undefined, min: number, max: number): number {
  const parsed = Number(value);
  if (value === undefined || !/^[0-9]+$/.test(value) || parsed < min || parsed > max) {
    throw new DemoUsageError(`${flag} takes a whole number from ${min} to ${max}, not ${JSON.stringify(value ?? "")}`);
  }
  return parsed;
}

/** Parses the arguments after `demo`; throws DemoUsageError. `null` means --help. */
export function parseDemoArgs(argv: readonly string[]): DemoArgs | null {
  let name: DemoName | undefined;
  let seconds: number | undefined;
  let bootstrap: string | undefined;
  let seed: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    if (flag === "-h" || flag === "--help") return null;
    else if (flag === "--seconds") seconds = integer("--seconds", value(), MIN_SECONDS, MAX_SECONDS);
    else if (flag === "--seed") seed = integer("--seed", value(), 0, 2 ** 32 - 1);
    else if (flag === "--bootstrap") bootstrap = checkBootstrap(value());
    else if (flag.startsWith("-")) throw new DemoUsageError(`unknown option ${arg}`);
    else if (name !== undefined) throw new DemoUsageError(`one demo at a time: got ${name} and ${arg}`);
    else if (isDemoName(arg)) name = arg;
    else throw new DemoUsageError(`no demo named ${JSON.stringify(arg)}; the demos are ${DEMO_NAMES.join(", ")}`);
  }
  if (name === undefined) throw new DemoUsageError(`name a demo: ${DEMO_NAMES.join(", ")}`);
  return {
    name,
    ...(seconds === undefined ? {} : { seconds }),
    ...(bootstrap === undefined ? {} : { bootstrap }),
    ...(seed === undefined ? {} : { seed }),
  };
}

export function checkBootstrap(value: string | undefined): string {
  if (value === undefined || value === "") throw new DemoUsageError("--bootstrap needs host:port[,host:port...]");
  try {
    return parseBrokerList(value, "--bootstrap").join(",");
  } catch (e) {
    if (e instanceof TidelogError) throw new DemoUsageError(e.message.replace(/^INVALID_CONFIG: /, ""));
    throw e;
  }
}
