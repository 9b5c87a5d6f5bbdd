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

async function main(): Promise<void> {
  const config = readConfig();
  const logger = pino({ level: config.logLevel, base: { brokerId: config.brokerId } });
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
    const timer = setTimeout(() => {
      logger.error("graceful shutdown timed out; exiting");
      process.exit(1);
    }, config.shutdownTimeoutMs);
    timer.unref();
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
