/**
 * What the CLI touches of its process, passed in so tests run it in-process: the two
 * output streams, the environment (read for TIDELOG_BOOTSTRAP and NO_COLOR) and the
 * working directory (where the search for .tidelog/cluster.json starts).
 */
export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}
