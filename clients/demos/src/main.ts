/**
 * `npm run demo -- <name> [...]` (scripts/demo.mjs runs this through tsx): parses the
 * arguments, runs the demo, exits with its status. Ctrl-C stops the demo and everything it
 * started (a second Ctrl-C exits at once; the cluster's and the children's exit hooks kill
 * what is left).
 */
import { DEMO_USAGE, DemoUsageError, parseDemoArgs } from "./args.js";
import { DemoExit, runDemo } from "./run-demo.js";

async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseDemoArgs>;
  try {
    args = parseDemoArgs(argv);
  } catch (e) {
    if (!(e instanceof DemoUsageError)) throw e;
    process.stderr.write(`demo: ${e.message}\nRun \`npm run demo -- --help\` for the demos and options.\n`);
    return DemoExit.usage;
  }
  if (args === null) {
    process.stdout.write(DEMO_USAGE);
    return DemoExit.proved;
  }
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(DemoExit.interrupted);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const result = await runDemo(args.name, { ...args, signal: controller.signal });
  return result.exitCode;
}

process.exit(await main(process.argv.slice(2)));
