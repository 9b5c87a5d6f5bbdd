/**
 * The test harness's private network of Linux network namespaces: the one @tidelog/verify
 * launches clusters on (clients/verify/src/cluster/network.ts, where the layout, the cuts
 * and the clean-up are described), scoped to a test. It is removed when the scope ends,
 * after the brokers and etcd have stopped (`deferAfterProcesses`), and synchronously if the
 * test process exits or is interrupted first (the harness's `onProcessExit`, which runs
 * after the processes it started were sent SIGKILL).
 *
 * In fault tests etcd and the test stay in the root namespace (at `hostAddress`) and each
 * broker gets a member namespace; `createTestNetwork` throws a NetworkUnavailableError when
 * namespaces cannot be created, so a test can skip the one fault that needs it.
 */
import {
  type ClusterNetwork,
  type CutMethod,
  createClusterNetwork,
  type NetworkCut,
  NetworkUnavailableError,
} from "../../clients/verify/src/cluster/network.js";
import { type CleanupScope, deferAfterProcesses, onProcessExit } from "../../scripts/harness/cluster.js";

export { type CutMethod, type NetworkCut, NetworkUnavailableError };
export type TestNetwork = ClusterNetwork;

/**
 * Creates the network with one namespace per member id (1..200), removed when `scope`
 * ends. Throws NetworkUnavailableError when this machine does not allow it.
 */
export async function createTestNetwork(scope: CleanupScope, memberIds: readonly number[]): Promise<TestNetwork> {
  const net = await createClusterNetwork(memberIds, { onProcessExit });
  deferAfterProcesses(scope, () => net.close());
  return net;
}
