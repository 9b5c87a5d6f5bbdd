/** `tidelog cluster ...`: the cluster as a whole. */
import type { ClusterDescription } from "@tidelog/client";
import { examples } from "../help.js";
import type { Output } from "../output.js";
import type { Program } from "../program.js";
import type { Session } from "../session.js";

export function registerClusterCommands(program: Program, session: Session): void {
  const cluster = program
    .command("cluster")
    .description("Inspect the cluster.")
    .addHelpText("after", examples("tidelog cluster describe"));
  cluster
    .command("describe")
    .description("Show the cluster id, the controller and the live brokers.")
    .addHelpText("after", examples("tidelog cluster describe", "tidelog cluster describe --json"))
    .action(async (_options, command) => {
      const output = session.begin(command.optsWithGlobals());
      printCluster(output, await session.admin().describeCluster());
    });
}

function printCluster(output: Output, c: ClusterDescription): void {
  if (output.json) {
    const brokers = c.brokers.map(({ id, host, port, httpPort, rack }) => ({ id, host, port, httpPort, rack }));
    output.document({ ...c, brokers });
    return;
  }
  output.line(`Cluster id:   ${c.clusterId}`);
  output.line(
    `Controller:   ${c.controllerId === null ? "none elected" : `broker ${c.controllerId}`} (epoch ${c.controllerEpoch})`,
  );
  output.line(`Answered by:  broker ${c.answeredBy}`);
  output.table(
    ["Broker", "Host", "Port", "HTTP port", "Rack", "Controller"],
    c.brokers.map((b) => [b.id, b.host, b.port, b.httpPort, b.rack, b.id === c.controllerId ? "yes" : ""]),
  );
}
