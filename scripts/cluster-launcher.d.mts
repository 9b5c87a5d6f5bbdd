// Types for cluster-launcher.mjs, for the TypeScript that imports it (the test harness).
import type { ChildProcess } from "node:child_process";

export declare const LIMITS: Readonly<{
  logLinesMax: number;
  lineCharsMax: number;
  errorTailLines: number;
  etcdStartAttempts: number;
  etcdReadyTimeoutMs: number;
  brokerReadyTimeoutMs: number;
  brokerStopGraceMs: number;
  etcdStopGraceMs: number;
  killWaitMs: number;
  healthRequestTimeoutMs: number;
  pollIntervalMs: number;
  outputDrainMs: number;
}>;

/** One line of a process's output; `json` is the parsed object when the line is a JSON log record. */
export interface LogRecord {
  readonly seq: number;
  readonly stream: "stdout" | "stderr";
  readonly text: string;
  readonly json: Record<string, unknown> | undefined;
}

export declare class LogRing {
  constructor(capacity?: number);
  /** The sequence number the next line will get (= lines ever added). */
  get seq(): number;
  get size(): number;
  add(stream: "stdout" | "stderr", text: string): LogRecord;
  /** Kept lines with `seq >= since`, oldest first. */
  records(since?: number): LogRecord[];
  /** The last `n` lines as text, for error messages. */
  tail(n?: number, since?: number): string;
  /** Calls `listener` with every line added from now on; returns the function that stops it. */
  subscribe(listener: (record: LogRecord) => void): () => void;
}

export function parseLogLine(text: string): Record<string, unknown> | undefined;
export function forEachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void, lineCharsMax?: number): void;

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  readonly error?: string;
}

export interface StopResult extends ExitInfo {
  /** Whether SIGKILL was needed because the process outlived its grace period. */
  readonly forced: boolean;
}

export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  /** Set once the process has exited and its output is read. */
  readonly exit: ExitInfo | undefined;
  /** Resolves (never rejects) once the process has exited and its output is read. */
  readonly exited: Promise<ExitInfo>;
}

export function spawnProcess(options: {
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logs: LogRing;
  onLine?: (record: LogRecord) => void;
  detached?: boolean;
}): Proc;
export function signalProcess(proc: Proc, signal: NodeJS.Signals): boolean;
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined>;
export function stopProcess(proc: Proc, options?: { signal?: NodeJS.Signals; graceMs?: number }): Promise<StopResult>;
export function processState(pid: number): string | undefined;
export function isAlive(pid: number): boolean;
export function processCommandLine(pid: number): string | undefined;
export function describeExit(exit: ExitInfo | undefined): string;

export function pickFreePorts(count: number, host?: string): Promise<number[]>;
export function probeTcp(host: string, port: number, timeoutMs?: number): Promise<boolean>;

export interface EtcdPorts {
  readonly clientPort: number;
  readonly peerPort: number;
}

/** PEM files for an etcd that speaks TLS to its clients and requires their certificates. */
export interface EtcdTls {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

export function etcdArgs(options: {
  name: string;
  dataDir: string;
  host?: string;
  clientPort: number;
  peerPort: number;
  logLevel?: string;
  tls?: EtcdTls;
}): string[];
export function etcdHealthy(endpoint: string, timeoutMs?: number, tls?: EtcdTls): Promise<boolean>;
export function launchEtcd(options: {
  bin: string;
  name?: string;
  dataDir: string;
  host?: string;
  ports?: EtcdPorts;
  logLevel?: string;
  logs: LogRing;
  onSpawn?: (proc: Proc) => void;
  onLine?: (record: LogRecord) => void;
  env?: NodeJS.ProcessEnv;
  detached?: boolean;
  attempts?: number;
  readyTimeoutMs?: number;
  pickPorts?: (count: number) => Promise<number[]>;
  /** A command etcd runs under, which execs it in place (e.g. ["ip", "netns", "exec", ns]). */
  wrap?: readonly string[];
  /** TLS to clients (https:// endpoint, client certificates required). */
  tls?: EtcdTls;
}): Promise<EtcdPorts & { proc: Proc; endpoint: string }>;

export type BrokerEntry = "source" | "dist";
export const BROKER_NODE_FLAGS: readonly string[];
export const BROKER_ENV: Readonly<Record<string, string>>;
export function brokerCommand(root: string, entry?: BrokerEntry): string[];
export function brokerArgs(options: {
  id: number;
  clusterId: string;
  etcdEndpoints: string | readonly string[];
  logDirs: string;
  host?: string;
  config?: Readonly<Record<string, string>>;
}): string[];
export function childEnv(extra?: Readonly<Record<string, string>>): NodeJS.ProcessEnv;

export interface BrokerReady {
  readonly host: string;
  readonly grpcPort: number;
  readonly httpPort: number;
}

export function readyInfo(json: Record<string, unknown>, expectedId: number): BrokerReady;
export function launchBroker(options: {
  id: number;
  command: readonly string[];
  args: readonly string[];
  cwd?: string;
  /** The broker's environment (default: childEnv()), over BROKER_ENV. */
  env?: NodeJS.ProcessEnv;
  logs: LogRing;
  onSpawn?: (proc: Proc) => void;
  onLine?: (record: LogRecord) => void;
  detached?: boolean;
  readyTimeoutMs?: number;
}): Promise<BrokerReady & { proc: Proc }>;

export function nameColour(name: string): string;
export function formatLogLine(
  record: Pick<LogRecord, "text" | "json">,
  options: { name: string; nameWidth?: number; colour?: boolean },
): string;

export function writeStateFile(path: string, state: unknown): void;
export function readStateFile(path: string): unknown;
