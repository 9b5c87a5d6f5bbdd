/** Help text shared by the commands: where the cluster is, what the output is, exit codes. */
import { EXIT_CODES_HELP } from "./exit-codes.js";

export const BOOTSTRAP_HELP = `Where the cluster is (first match wins):
  1. --bootstrap host:port[,host:port...]
  2. the environment variable TIDELOG_BOOTSTRAP=host:port[,host:port...]
  3. .tidelog/cluster.json, searched from the current directory upward
     (\`npm start\` writes it for the local cluster)`;

export const OUTPUT_HELP = `Output:
  Tables for people (plain when stdout is not a terminal or NO_COLOR is set).
  --json prints one JSON document on stdout: camelCase fields, numbers as numbers,
  null for "none". When the cluster refuses or cannot be reached (exit 1 or 3), the
  document holds { "error": { "code": "TOPIC_ALREADY_EXISTS", "errorCode": 36, "message": "..." } }
  (and, for commands about several topics, an "error" on each topic that failed).
  Usage errors (exit 2) print nothing on stdout.
  produce and consume print JSON lines instead (one object per record, with --json
  or --format json) and a summary on stderr.`;

export const PROGRAM_HELP = `
${BOOTSTRAP_HELP}

${OUTPUT_HELP}

${EXIT_CODES_HELP}

Examples:
  $ tidelog cluster describe
  $ tidelog --bootstrap 127.0.0.1:9092 topics list --json
  $ tidelog topics create orders --partitions 6 --replication-factor 3 --config retention.ms=86400000
  $ TIDELOG_BOOTSTRAP=10.0.0.5:9092 tidelog topics describe orders
  $ seq 100 | tidelog produce orders
  $ tidelog consume orders --from-beginning --count 100 --format json
  $ tidelog consume orders --group billing --idle-timeout 5000
  $ tidelog groups describe billing
  $ tidelog transactions list --state Ongoing
  $ tidelog transactions find-hanging`;

/** The text after a command's own help: its examples, then a pointer to the rest. */
export function examples(...lines: readonly string[]): string {
  return `
Examples:
${lines.map((l) => `  $ ${l}`).join("\n")}

Connects to --bootstrap, else TIDELOG_BOOTSTRAP, else the nearest .tidelog/cluster.json.
Exit codes: 0 ok, 1 the cluster answered with an error, 2 usage error, 3 cluster unreachable
(see tidelog --help).`;
}
