/**
 * The tidelog checkout a local cluster is launched from. A LocalCluster runs the brokers
 * of a checkout (its src/server/main.ts through tsx, or its build in dist/) with the
 * process code `npm start` uses (scripts/cluster-launcher.mjs, plain JavaScript), so this
 * package finds the checkout it sits in by walking up from its own location. An installed
 * @tidelog/verify has no checkout around it: it can then only test a running cluster
 * (--bootstrap), and says so.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export type Launcher = typeof import("../../../../scripts/cluster-launcher.mjs");
export type Bootstrap = typeof import("../../../../scripts/bootstrap.mjs");

/** Directories walked up from this module before giving up (clients/verify/src/cluster is 4 deep). */
const WALK_UP_MAX = 8;

export class CheckoutNotFoundError extends Error {
  override name = "CheckoutNotFoundError";
}

export interface Checkout {
  readonly root: string;
  /** How brokers run: "source" when src/server/main.ts is there and asked for (or only it is). */
  readonly entry: "source" | "dist";
  readonly launcher: Launcher;
  readonly bootstrap: Bootstrap;
}

function isCheckout(dir: string): boolean {
  return (
    existsSync(join(dir, "scripts", "cluster-launcher.mjs")) &&
    (existsSync(join(dir, "src", "server", "main.ts")) || existsSync(join(dir, "dist", "server", "main.js")))
  );
}

/** The root of the checkout holding `from` (a file URL or path), or null. */
export function findCheckoutRoot(from: string = import.meta.url): string | null {
  let dir = dirname(from.startsWith("file:") ? fileURLToPath(from) : from);
  for (let i = 0; i < WALK_UP_MAX; i++) {
    if (isCheckout(dir)) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

/**
 * The checkout, its launcher module and the broker entry. `entry` defaults to how this
 * module itself runs: from TypeScript source means a development checkout, whose dist/
 * may be stale, so the brokers run from source too.
 */
export async function openCheckout(entry?: "source" | "dist"): Promise<Checkout> {
  const root = findCheckoutRoot();
  if (root === null) {
    throw new CheckoutNotFoundError(
      "launching a cluster needs a tidelog checkout (scripts/cluster-launcher.mjs and src/server/main.ts " +
        `or dist/server/main.js above ${dirname(fileURLToPath(import.meta.url))}); give --bootstrap to use a running cluster`,
    );
  }
  const hasSource = existsSync(join(root, "src", "server", "main.ts"));
  const hasDist = existsSync(join(root, "dist", "server", "main.js"));
  const chosen = entry ?? (import.meta.url.endsWith(".ts") && hasSource ? "source" : hasDist ? "dist" : "source");
  if (chosen === "dist" && !hasDist) {
    throw new CheckoutNotFoundError(
      `${join(root, "dist", "server", "main.js")} does not exist: run \`npx tsc -b\` first`,
    );
  }
  if (chosen === "source" && !hasSource) {
    throw new CheckoutNotFoundError(`${join(root, "src", "server", "main.ts")} does not exist in ${root}`);
  }
  const load = (file: string) => import(pathToFileURL(join(root, "scripts", file)).href);
  const [launcher, bootstrap] = (await Promise.all([load("cluster-launcher.mjs"), load("bootstrap.mjs")])) as [
    Launcher,
    Bootstrap,
  ];
  return { root, entry: chosen, launcher, bootstrap };
}
