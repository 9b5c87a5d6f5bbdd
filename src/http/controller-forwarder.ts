/**
 * Sends an admin write to the controller over gRPC, for the HTTP API on a broker that is
 * not the controller. gRPC clients retry NOT_CONTROLLER themselves (the SDK does); an HTTP
 * client behind a load-balancing Service cannot pick the controller, so the broker does it
 * for them: one hop, to the controller the metadata names, with a deadline. If the
 * controller moved meanwhile, the answer is NOT_CONTROLLER (retriable, HTTP 503).
 *
 * The controller is looked up in the watched metadata first and, when that names none,
 * in a fresh read from etcd: a broker whose watch had not yet seen an election answered
 * 503 to a write that `GET /v1/cluster` (a fresh read) on the same broker showed it
 * could forward (seen in a CI run, just after start-up).
 *
 * One client stub is kept, for the current controller's address; a new address replaces it.
 */
import * as grpc from "@grpc/grpc-js";
import { CHANNEL_OPTIONS, loadTidelogProto, type wire } from "@tidelog/client/protocol";
import { TidelogError } from "@tidelog/client/record";
import type { MetadataImage } from "../cluster/metadata-image.js";
import { wallClockDeadline } from "../common/clock.js";

/** The write methods of the Admin service, by their gRPC names. */
export type ForwardedMethod = "CreateTopics" | "DeleteTopics" | "CreatePartitions" | "AlterConfigs";

/** How long a forwarded write may take, end to end. */
const FORWARD_TIMEOUT_MS = 30_000;

export class ControllerForwarder {
  private stub: { address: string; client: wire.AdminClient } | null = null;
  private proto: ReturnType<typeof loadTidelogProto> | null = null;

  constructor(
    private readonly image: () => MetadataImage,
    private readonly freshImage: () => Promise<MetadataImage>,
    /** Credentials for the connection to the controller (TLS when the cluster uses it). */
    private readonly credentials: () => grpc.ChannelCredentials = () => grpc.credentials.createInsecure(),
  ) {}

  async forward<Res>(method: ForwardedMethod, request: object): Promise<Res> {
    const client = this.client(this.image()) ?? this.client(await this.freshImage());
    if (client === null)
      throw new TidelogError("NOT_CONTROLLER", "no controller is known right now; try again shortly");
    const deadline = wallClockDeadline(FORWARD_TIMEOUT_MS);
    type Callback = (err: grpc.ServiceError | null, res: Res) => void;
    const stub = client as unknown as Record<ForwardedMethod, (req: object, o: grpc.CallOptions, cb: Callback) => void>;
    return new Promise<Res>((resolve, reject) => {
      stub[method].call(client, request, { deadline }, (err, res) => {
        if (!err) return resolve(res);
        const code = err.code === grpc.status.DEADLINE_EXCEEDED ? "REQUEST_TIMED_OUT" : "NOT_CONTROLLER";
        reject(new TidelogError(code, `forwarding to the controller failed: ${err.details || err.message}`));
      });
    });
  }

  close(): void {
    this.stub?.client.close();
    this.stub = null;
  }

  /** A stub for the controller `image` names; null when it names none (or not its address). */
  private client(image: MetadataImage): wire.AdminClient | null {
    const controllerId = image.controller()?.brokerId;
    const broker = controllerId === undefined ? undefined : image.brokers.get(controllerId)?.value;
    if (!broker) return null;
    const address = `${broker.host}:${broker.port}`;
    if (this.stub?.address !== address) {
      this.stub?.client.close();
      this.proto ??= loadTidelogProto(grpc);
      const client = new this.proto.tidelog.v1.Admin(address, this.credentials(), CHANNEL_OPTIONS);
      this.stub = { address, client };
    }
    return this.stub.client;
  }
}
