/**
 * The broker process: `tidelog-broker --broker.id=1 [--name=value ...]`.
 *
 * Exit codes: 0 after a clean shutdown (SIGTERM or SIGINT), 1 on a fatal runtime error,
 * 2 on a configuration error (the message says which setting and why).
 */
import { TidelogError } from "@tidelog/client/record";
import { pino } from "pino";
import { systemClock } from "../common/clock.js";
import { Broker } from "./broker.js";
import { type BrokerConfig, configHelp, loadBrokerConfig } from "./config.js";

function readConfig(): BrokerConfig {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${configHelp()}\n`);
    process.exit(0);
  }
  try {
    return loadBrokerConfig({ argv, env: process.env });
  } catch (e) {
    const message = e instanceof TidelogError ? e.message.replace(/^INVALID_CONFIG: /, "") : String(e);
    process.stderr.write(`tidelog-broker: ${message}\nRun with --help to list every setting.\n`);
    process.exit(2);
  }
}

/**
 * Without old-generation headroom V8 runs a full GC every few hundred milliseconds under
 * sustained produce traffic (see BROKER_NODE_FLAGS in scripts/cluster-launcher.mjs), so a
 * broker started by hand without it is told so once, instead of being slow in silence.
 */
function warnWithoutHeapHeadroom(logger: pino.Logger): void {
  if (process.execArgv.some((a) => a.startsWith("--initial-old-space-size"))) return;
  logger.warn(
    "node was started without --initial-old-space-size; sustained produce traffic will spend much of its time in " +
      "full GCs. Start the broker as: node --initial-old-space-size=256 dist/server/main.js",
  );
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = pino({ level: config.logLevel, base: { brokerId: config.brokerId } });
  warnWithoutHeapHeadroom(logger);
  // Node's warnings as log lines, like everything else the broker says; DEP0123 (grpc-js
  // gives a peer broker's IP as the TLS server name, on every connection to it) is noise:
  // the address is still checked against the certificate.
  process.removeAllListeners("warning");
  process.on("warning", (w: Error & { code?: string }) => {
    if (w.code !== "DEP0123") logger.warn({ code: w.code, warning: w.name }, w.message);
  });
  process.on("uncaughtException", (e) => {
    logger.fatal({ err: e }, "uncaught exception");
    process.exit(1);
  });
  let broker: Broker;
  try {
    broker = await Broker.start(config, logger, systemClock, Math.random);
  } catch (e) {
    logger.fatal({ err: e }, "broker failed to start");
    process.exit(e instanceof TidelogError && e.code === "INVALID_CONFIG" ? 2 : 1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stop requested");
    systemClock.after(
      config.shutdownTimeoutMs,
      () => {
        logger.error("graceful shutdown timed out; exiting");
        process.exit(1);
      },
      { ref: false },
    );
    broker.shutdown().then(
      () => process.exit(0),
      (e: unknown) => {
        logger.error({ err: e }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

await main();
