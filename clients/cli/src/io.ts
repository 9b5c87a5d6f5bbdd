/**
 * What the CLI touches of its process, passed in so tests run it in-process: the two
 * output streams, standard input (read by `produce`), interruption (Ctrl-C, or stdout
 * closed by its reader: `produce` and `consume` then stop cleanly), the environment (read for
 * TIDELOG_BOOTSTRAP and NO_COLOR) and the working directory (where the search for
 * .tidelog/cluster.json starts).
 */
export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  /** Present on real streams: after `write` returned false, wait for "drain" (or the end: "error", "close"). */
  once?(event: StreamEnd, listener: () => void): unknown;
  off?(event: StreamEnd, listener: () => void): unknown;
  /** A destroyed stream (its reader went away) never drains. */
  readonly destroyed?: boolean;
}

type StreamEnd = "drain" | "error" | "close";
const STREAM_ENDS: readonly StreamEnd[] = ["drain", "error", "close"];

/** Chunks of input; a real stream can also be destroyed, so an interrupted read does not keep the process alive. */
export type InputStream = AsyncIterable<Buffer | string> & { destroy?(): unknown };

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Standard input as chunks; absent means empty input. */
  readonly stdin?: InputStream;
  /**
   * Present when standard input is a terminal: asks for a secret (a password) without
   * echoing it. Without it, secrets are read from standard input.
   */
  readonly readSecret?: (prompt: string) => Promise<string>;
  /**
   * Installs `handler` for an interruption (SIGINT, SIGTERM, stdout closed) instead of the
   * default (the process ends); returns the uninstaller. Absent: nothing interrupts.
   */
  readonly onInterrupt?: (handler: () => void) => () => void;
}

/**
 * For long work that stops gently (a verify run, a demo): the first interruption calls
 * `gently`; a second ends the process as the signal would have (exit hooks clean up).
 * Returns the uninstaller.
 */
export function onInterruptGentlyOnce(io: CliIo, gently: () => void): () => void {
  let interrupted = false;
  const uninstall = io.onInterrupt?.(() => {
    if (!interrupted) {
      interrupted = true;
      gently();
      return;
    }
    uninstall?.();
    process.kill(process.pid, "SIGINT");
  });
  return uninstall ?? (() => {});
}

/**
 * Writes `chunk`, waiting for the stream to drain when it asks to (so a slow reader slows
 * the command, not its memory). A stream that errors or closes instead (`| head` exited)
 * ends the wait too; the command learns of it through its interrupt handler.
 */
export async function writeOut(stream: OutputStream, chunk: string): Promise<void> {
  if (stream.write(chunk) !== false) return;
  const { once, off } = stream;
  if (once === undefined || off === undefined || stream.destroyed === true) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      for (const event of STREAM_ENDS) off.call(stream, event, done);
      resolve();
    };
    for (const event of STREAM_ENDS) once.call(stream, event, done);
  });
}
