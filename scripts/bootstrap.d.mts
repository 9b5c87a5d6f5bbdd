// Types for bootstrap.mjs, for the TypeScript that imports it (the test harness).

/** The project's root directory (the one holding package.json). */
export function projectRoot(): string;
/** Runs `npm ci` when node_modules is missing or older than package-lock.json; exits on failure. */
export function ensureDependencies(root: string): void;
/** Runs `tsc -b`; exits on failure. */
export function ensureBuild(root: string): void;
/** The etcd binary to use: TIDELOG_ETCD_BIN, or `etcd` on the PATH; null when there is none. */
export function findEtcd(): string | null;
/** How to get etcd, for messages about a missing one. */
export function etcdInstallHint(): string;
/** Makes sure an etcd binary exists (installing Debian's when allowed); null when TIDELOG_ETCD is set. */
export function ensureEtcd(options: { required: boolean }): string | null;
