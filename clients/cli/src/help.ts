/** Help text shared by the commands: where the cluster is, what the output is, exit codes. */
import { EXIT_CODES_HELP } from "./exit-codes.js";

export const BOOTSTRAP_HELP = `Where the cluster is (first match wins):
  1. --bootstrap host:port[,host:port...]
  2. the environment variable TIDELOG_BOOTSTRAP=host:port[,host:port...]
  3. .tidelog/cluster.json, searched from the current directory upward
     (\`npm start\` writes it for the local cluster, whose brokers listen on free ports
     it picks: run tidelog from inside the clone, or see the addresses with
     \`tidelog cluster describe\` there or in .tidelog/cluster.json)`;

export const OUTPUT_HELP = `Output:
  Tables for people: boxed on a terminal (coloured unless NO_COLOR is set), plain
  columns aligned with spaces when stdout is a pipe or a file.
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

Examples (inside the clone with \`npm start\` running, no --bootstrap is needed):
  $ tidelog cluster describe
  $ tidelog topics list --json
  $ tidelog topics create orders --partitions 6 --replication-factor 3 --config retention.ms=86400000
  $ tidelog --bootstrap "$(jq -r .bootstrap .tidelog/cluster.json)" topics describe orders
  $ TIDELOG_BOOTSTRAP=broker-1.example:9292 tidelog topics describe orders --configs
  $ seq 100 | tidelog produce orders
  $ tail -F app.log | tidelog produce logs
  $ tidelog consume orders --from-beginning --count 100 --format json
  $ tidelog consume orders --group billing --idle-timeout 5000
  $ tidelog groups describe billing
  $ tidelog offsets orders --time 2024-05-01T12:00:00Z
  $ tidelog transactions list --state Ongoing
  $ tidelog transactions find-hanging
  $ tidelog acls add --allow-principal User:alice --operation Read --topic orders`;

/** The text after a command's own help: its examples, then a pointer to the rest. */
export function examples(...lines: readonly string[]): string {
  return `
Examples:
${lines.map((l) => `  $ ${l}`).join("\n")}

Connects to --bootstrap, else TIDELOG_BOOTSTRAP, else the nearest .tidelog/cluster.json.
Exit codes: 0 ok, 1 the cluster answered with an error, 2 usage error, 3 cluster unreachable,
70 a bug in tidelog (see tidelog --help).`;
}
