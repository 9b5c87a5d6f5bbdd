/**
 * @tidelog/demos: the exactly-once demo scenarios (issue 22). Each launches its own
 * cluster (or uses one given), breaks things on purpose while it runs, and proves its
 * claim from what it reads back. `runDemo` is what `npm run demo` and `tidelog demo` run.
 */
export { DEMO_USAGE, type DemoArgs, DemoUsageError, parseDemoArgs } from "./args.js";
export { DEMO_NAMES, type DemoName, isDemoName } from "./demo.js";
export { DEMO_BROKER_CONFIG, DEMO_BROKERS, type FaultableCluster, type LaunchCluster } from "./demo-cluster.js";
export { DEFAULT_SECONDS, MAX_SECONDS, MIN_SECONDS } from "./limits.js";
export type { Clock, DemoOutput } from "./progress.js";
export type { Check, Proof } from "./proof.js";
export { DemoExit, type DemoResult, demoFor, type RunDemoOptions, runDemo } from "./run-demo.js";
