// The Kubernetes manifests: every kustomization (the base and each overlay) renders with
// `kubectl kustomize`, every rendered object validates against the Kubernetes schemas
// (kubernetes-models), and the objects fit together (selectors match pod labels, probes
// point at the broker's HTTP paths and a declared port, the grace period outlasts the
// broker's own shutdown bound). Then the real test: start broker processes with exactly
// the command, environment and ports the broker StatefulSet gives its pods, and check
// that the probe paths answer and the brokers form one cluster.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { projectRoot } from "../../scripts/bootstrap.mjs";
import { BROKER_ENV, BROKER_NODE_FLAGS, brokerCommand } from "../../scripts/cluster-launcher.mjs";
import { startEtcd, startProcess, tempDir, waitFor } from "../../scripts/harness/cluster.js";
import { parsePrincipalList, parsePrincipalMappingRules, principalFromName } from "../../src/security/principal.js";
import type { HttpAnswer } from "./helpers.js";
import { find, type K8sObject, kubectl, kustomizations, modelFor, render } from "./kubernetes.js";

/** How the image starts a broker; the launcher (npm start, the tests) uses the same V8 flags. */
const imageEntry = ["node", ...BROKER_NODE_FLAGS, "/app/dist/server/main.js"];

test("the image and the StatefulSet start the broker with the launcher's V8 flags and allocator settings", () => {
  const dockerfile = readFileSync(join(projectRoot(), "deploy", "Dockerfile"), "utf8");
  const entrypoint = /^ENTRYPOINT (.*)$/m.exec(dockerfile)?.[1];
  assert.deepEqual(entrypoint && JSON.parse(entrypoint), imageEntry);
  const sts = readFileSync(join(projectRoot(), "deploy", "kubernetes", "base", "broker-statefulset.yaml"), "utf8");
  assert.ok(sts.includes(`exec ${imageEntry.join(" ")}`), `the StatefulSet runs ${imageEntry.join(" ")}`);
  for (const [name, value] of Object.entries(BROKER_ENV)) {
    assert.ok(dockerfile.includes(`${name}=${value}`), `the image sets ${name}=${value}`);
    assert.ok(sts.includes(`- name: ${name}`) && sts.includes(`value: ${value}`), `the StatefulSet sets ${name}`);
  }
});

const SKIP = kubectl ? false : "kubectl not installed (apt-get install kubernetes-client)";

function brokerContainer(objects: readonly K8sObject[]) {
  const sts = find(objects, "StatefulSet", "tidelog");
  return { sts, container: sts.spec.template.spec.containers.find((c: { name: string }) => c.name === "broker") };
}

describe("deploy/kubernetes", { skip: SKIP }, () => {
  for (const dir of kustomizations()) {
    test(`${dir} renders, and every object validates against the Kubernetes schemas`, async () => {
      const objects = render(dir);
      assert.ok(objects.length >= 3, `${dir} rendered ${objects.length} objects`);
      for (const o of objects) {
        const Model = await modelFor(o);
        assert.ok(Model, `no Kubernetes model for ${o.apiVersion} ${o.kind}`);
        assert.doesNotThrow(() => new Model(o).validate(), `${dir}: ${o.kind}/${o.metadata.name}`);
      }
    });

    if (dir === "etcd") continue;
    test(`${dir}: the broker objects fit together`, () => {
      const objects = render(dir);
      const { sts, container } = brokerContainer(objects);
      const podLabels = sts.spec.template.metadata.labels;
      const matches = (selector: Record<string, string>) =>
        Object.entries(selector).every(([k, v]) => podLabels[k] === v);
      assert.ok(matches(sts.spec.selector.matchLabels));
      for (const name of ["tidelog", "tidelog-headless"])
        assert.ok(matches(find(objects, "Service", name).spec.selector));
      assert.ok(matches(find(objects, "PodDisruptionBudget", "tidelog").spec.selector.matchLabels));
      const headless = find(objects, "Service", "tidelog-headless");
      assert.equal(headless.spec.clusterIP, "None");
      assert.equal(sts.spec.serviceName, "tidelog-headless");
      assert.equal(find(objects, "PodDisruptionBudget", "tidelog").spec.maxUnavailable, 1);

      // Probes on the HTTP endpoints, through a declared port.
      const ports = new Map<string, { name: string; containerPort: number }>(
        container.ports.map((p: { name: string; containerPort: number }) => [p.name, p]),
      );
      assert.equal(container.readinessProbe.httpGet.path, "/readyz");
      assert.equal(container.livenessProbe.httpGet.path, "/healthz");
      for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe])
        assert.ok(ports.has(probe.httpGet.port), `probe port ${probe.httpGet.port} is declared`);

      // Persistent data where the broker writes it; resources; non-root; anti-affinity.
      const env = configEnv(objects);
      const mount = container.volumeMounts.find((m: { name: string }) => m.name === "data");
      assert.ok(env.TIDELOG_LOG_DIRS?.startsWith(`${mount.mountPath}/`), "log.dirs is on the volume");
      assert.equal(sts.spec.volumeClaimTemplates[0].metadata.name, "data");
      assert.ok(container.resources.requests.cpu && container.resources.requests.memory);
      assert.equal(sts.spec.template.spec.securityContext.runAsNonRoot, true);
      assert.ok(sts.spec.template.spec.affinity.podAntiAffinity);

      // Broker-to-broker traffic on its own port, which only brokers may reach.
      assert.equal(ports.get("replication")?.containerPort, Number(env.TIDELOG_REPLICATION_PORT));
      const policy = find(objects, "NetworkPolicy", "tidelog-broker");
      assert.ok(matches(policy.spec.podSelector.matchLabels), "the policy selects the broker pods");
      for (const rule of policy.spec.ingress as { from?: K8sObject[]; ports: { port: string }[] }[]) {
        for (const { port } of rule.ports) assert.ok(ports.has(port), `policy port ${port} is declared`);
        if (rule.ports.some((p) => p.port === "replication")) {
          assert.equal(rule.from?.length, 1, "replication: one source");
          assert.ok(matches(rule.from![0]!.podSelector.matchLabels), "replication only from broker pods");
        } else assert.equal(rule.from, undefined, "client ports open to clients");
      }

      // Graceful termination: the broker's shutdown bound fits inside the pod's grace period.
      const shutdownMs = Number(env.TIDELOG_SHUTDOWN_TIMEOUT_MS);
      assert.ok(shutdownMs > 0 && shutdownMs + 5000 <= sts.spec.template.spec.terminationGracePeriodSeconds * 1000);
    });
  }

  for (const dir of kustomizations()) {
    test(`${dir}: every $(VAR) in a container's env names an entry above it (all Kubernetes expands)`, () => {
      for (const o of render(dir).filter((x) => x.kind === "StatefulSet")) {
        for (const c of o.spec.template.spec.containers as K8sObject[]) {
          const defined = new Set<string>();
          for (const e of (c.env ?? []) as { name: string; value?: string }[]) {
            for (const [, name] of (e.value ?? "").matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g))
              assert.ok(
                defined.has(name!),
                `${dir} ${o.metadata.name}/${c.name}: ${e.name} uses $(${name}) before it is set`,
              );
            defined.add(e.name);
          }
        }
      }
    });
  }

  test("etcd takes client connections from brokers only, peer connections from its members only", () => {
    const brokerLabels = brokerContainer(render("base")).sts.spec.template.metadata.labels;
    for (const dir of kustomizations().filter((d) =>
      render(d).some((o) => o.kind === "StatefulSet" && o.metadata.name === "etcd"),
    )) {
      const objects = render(dir);
      const etcd = find(objects, "StatefulSet", "etcd");
      const policy = find(objects, "NetworkPolicy", "etcd");
      assert.deepEqual(policy.spec.podSelector.matchLabels, etcd.spec.template.metadata.labels);
      const sources = new Map(
        (policy.spec.ingress as { from: K8sObject[]; ports: { port: string }[] }[]).map((r) => [
          r.ports.map((p) => p.port).join(","),
          r.from.map((f) => f.podSelector.matchLabels),
        ]),
      );
      assert.deepEqual(sources.get("client"), [brokerLabels], dir);
      assert.deepEqual(sources.get("peer"), [etcd.spec.template.metadata.labels], dir);
    }
  });

  test("the secured overlay: TLS everywhere from Secrets, client certificates required, brokers super users, etcd over TLS", () => {
    const objects = render("overlays/secured");
    const env = configEnv(objects);
    const { sts, container } = brokerContainer(objects);
    assert.equal(env.TIDELOG_SECURITY_PROTOCOL, "SSL");
    assert.equal(env.TIDELOG_SSL_CLIENT_AUTH, "required");
    assert.equal(env.TIDELOG_AUTHORIZER_CLASS_NAME, "StandardAuthorizer");
    // Every certificate and key the broker reads is in a mounted Secret.
    const secretMounts = (container.volumeMounts as { name: string; mountPath: string }[]).filter((m) =>
      (sts.spec.template.spec.volumes as { name: string; secret?: unknown }[]).some(
        (v) => v.name === m.name && v.secret,
      ),
    );
    const files = Object.entries(env).filter(([k]) => k.endsWith("_LOCATION"));
    assert.equal(files.length, 6, "broker and etcd-client certificate, key and CA");
    for (const [k, path] of files)
      assert.ok(
        secretMounts.some((m) => path.startsWith(`${m.mountPath}/`)),
        `${k}=${path} is in a mounted Secret`,
      );
    // The brokers' own certificate (CN=tidelog-broker) maps to a super user, or they could not replicate.
    const brokerPrincipal = principalFromName(
      "CN=tidelog-broker",
      parsePrincipalMappingRules(env.TIDELOG_SSL_PRINCIPAL_MAPPING_RULES!),
    );
    assert.ok(brokerPrincipal && parsePrincipalList(env.TIDELOG_SUPER_USERS!, "super.users").includes(brokerPrincipal));
    // Certificates can name the advertised host (a pod IP they could not).
    const pod = podEnv(objects, container, "tidelog-0", "10.0.0.7", {});
    assert.equal(pod.TIDELOG_ADVERTISED_HOST, "tidelog-0.tidelog-headless.tidelog.svc.cluster.local");
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe])
      assert.equal(probe.httpGet.scheme, "HTTPS");
    // etcd: https only, client certificates required, probes on the plain metrics listener.
    assert.ok(env.TIDELOG_ETCD_ENDPOINTS!.split(",").every((e) => e.startsWith("https://")));
    const etcd = find(objects, "StatefulSet", "etcd").spec.template.spec.containers[0];
    const etcdEnv = Object.fromEntries((etcd.env as { name: string; value?: string }[]).map((e) => [e.name, e.value]));
    for (const k of ["ETCD_LISTEN_CLIENT_URLS", "ETCD_ADVERTISE_CLIENT_URLS", "ETCD_LISTEN_PEER_URLS"])
      assert.ok(etcdEnv[k]!.startsWith("https://"), k);
    assert.equal(etcdEnv.ETCD_CLIENT_CERT_AUTH, "true");
    assert.equal(etcdEnv.ETCD_PEER_CLIENT_CERT_AUTH, "true");
    const metrics = (etcd.ports as { name: string; containerPort: number }[]).find((p) => p.name === "metrics");
    assert.equal(etcdEnv.ETCD_LISTEN_METRICS_URLS, `http://0.0.0.0:${metrics?.containerPort}`);
    assert.equal(etcd.livenessProbe.httpGet.port, "metrics");
    assert.equal(etcd.readinessProbe.httpGet.port, "metrics");
  });

  test("the example overlay runs a three-member etcd the brokers point at, spread over nodes", () => {
    const objects = render("overlays/example");
    const etcd = find(objects, "StatefulSet", "etcd");
    assert.equal(etcd.spec.replicas, 3);
    assert.equal(find(objects, "PodDisruptionBudget", "etcd").spec.maxUnavailable, 1);
    const endpoints = configEnv(objects).TIDELOG_ETCD_ENDPOINTS!.split(",");
    assert.deepEqual(
      endpoints,
      [0, 1, 2].map((i) => `http://etcd-${i}.etcd:2379`),
    );
    for (const o of objects) assert.ok(o.kind === "Namespace" || o.metadata.namespace === "tidelog", o.metadata.name);
    const { sts } = brokerContainer(objects);
    const anti = sts.spec.template.spec.affinity.podAntiAffinity;
    assert.ok(anti.requiredDuringSchedulingIgnoredDuringExecution?.length === 1);
    assert.equal(anti.preferredDuringSchedulingIgnoredDuringExecution, undefined);
    const external = render("overlays/external-etcd");
    assert.ok(!external.some((o) => o.metadata.name === "etcd"), "no etcd objects with an external etcd");
  });

  test("brokers started exactly as the StatefulSet starts them answer their probes and form a cluster", {
    timeout: 150_000,
  }, async (t) => {
    const objects = render("base");
    const { sts, container } = brokerContainer(objects);
    const etcd = await startEtcd(t);
    const replicas: number = sts.spec.replicas;
    const pods = Array.from({ length: replicas }, (_, ordinal) => ({
      name: `${sts.metadata.name}-${ordinal}`,
      // Each "pod" gets its own IP, as on Kubernetes: loopback addresses 127.0.1.x, so
      // every broker binds the manifest's own ports.
      ip: `127.0.1.${ordinal + 1}`,
      dataDir: tempDir(t, `tidelog-pod-${ordinal}-`),
    }));
    const httpPort = Number(configEnv(objects).TIDELOG_HTTP_PORT);
    const procs = pods.map((pod) => {
      const env = podEnv(objects, container, pod.name, pod.ip, {
        // The two things a Kubernetes cluster provides that this machine does not: the
        // etcd Service's DNS names, and the volume mounted at the data directory.
        TIDELOG_ETCD_ENDPOINTS: etcd.endpoints.join(","),
        TIDELOG_LOG_DIRS: pod.dataDir,
      });
      const [command, ...args] = localCommand(container.command);
      return startProcess(t, { name: pod.name, command: command!, args, env });
    });
    const started = await Promise.all(procs.map((p) => p.waitForLog("broker started", 90_000)));
    started.forEach((line, ordinal) => {
      assert.equal(line.json?.brokerId, ordinal, "the broker id is the pod ordinal");
      assert.equal(line.json?.host, pods[ordinal]!.ip, "the broker advertises its pod IP");
      assert.equal(line.json?.httpPort, httpPort, "the manifest's HTTP port");
      assert.equal(line.json?.replicationPort, Number(configEnv(objects).TIDELOG_REPLICATION_PORT));
    });

    const probe = (pod: { ip: string }, path: string) =>
      fetch(`http://${pod.ip}:${httpPort}${path}`).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as HttpAnswer["json"],
      }));
    for (const pod of pods) {
      assert.equal((await probe(pod, container.livenessProbe.httpGet.path)).status, 200);
      assert.equal((await probe(pod, container.startupProbe.httpGet.path)).status, 200);
      await waitFor(async () => (await probe(pod, container.readinessProbe.httpGet.path)).status === 200, {
        description: `${pod.name} ready`,
        timeoutMs: 30_000,
      });
    }
    const cluster = await waitFor(
      async () => {
        const res = await probe(pods[0]!, "/v1/cluster");
        return res.body.controller && res.body.brokers.length === replicas ? res.body : null;
      },
      { description: `one cluster of ${replicas} brokers`, timeoutMs: 30_000 },
    );
    assert.deepEqual(
      cluster.brokers.map((b: { id: number; host: string }) => [b.id, b.host]),
      pods.map((p, ordinal) => [ordinal, p.ip]),
    );
    assert.equal(cluster.clusterId, configEnv(objects).TIDELOG_CLUSTER_ID);

    // The admin API works through any pod (the client Service picks one); writes reach the controller.
    const create = await fetch(`http://${pods[1]!.ip}:${httpPort}/v1/topics`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "k8s", partitions: 3 }),
    });
    assert.equal(create.status, 201, await create.text());

    // Logs: one JSON object per line, each with the broker id; components named.
    procs.forEach((p, ordinal) => {
      const lines = p.logs.filter((r) => r.stream === "stdout");
      assert.ok(lines.length > 0);
      for (const r of lines) assert.equal(r.json?.brokerId, ordinal, `a JSON line with brokerId: ${r.text}`);
      const components = new Set(lines.map((r) => r.json?.component).filter(Boolean));
      for (const c of ["storage", "registration"]) assert.ok(components.has(c), c);
    });

    // SIGTERM, as the kubelet sends it: every broker exits cleanly within the grace period.
    const graceMs = sts.spec.template.spec.terminationGracePeriodSeconds * 1000;
    const stopped = await Promise.all(procs.map((p) => p.stop("SIGTERM", graceMs)));
    for (const s of stopped) assert.deepEqual([s.code, s.forced], [0, false], JSON.stringify(s));
  });
});

/** The ConfigMap's data the broker pods load with envFrom. */
function configEnv(objects: readonly K8sObject[]): Record<string, string> {
  const { container } = brokerContainer(objects);
  const name = container.envFrom[0].configMapRef.name;
  return find(objects, "ConfigMap", name).data;
}

/**
 * The environment a pod's container gets: envFrom first, then env in order, with the
 * downward-API fields this manifest uses and `$(VAR)` references expanded as the kubelet
 * expands them (from variables defined earlier). `overrides` replace values last.
 */
function podEnv(
  objects: readonly K8sObject[],
  container: K8sObject,
  podName: string,
  podIp: string,
  overrides: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = { ...configEnv(objects) };
  const fields: Record<string, string> = { "metadata.name": podName, "status.podIP": podIp };
  for (const e of container.env as { name: string; value?: string; valueFrom?: K8sObject }[]) {
    if (e.valueFrom) {
      const field = fields[e.valueFrom.fieldRef?.fieldPath];
      assert.ok(field !== undefined, `the test does not emulate ${JSON.stringify(e.valueFrom)}`);
      env[e.name] = field;
    } else {
      env[e.name] = (e.value ?? "").replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, v) => env[v] ?? m);
    }
  }
  return { ...env, ...overrides };
}

/** The container's command with the image's broker entry point replaced by this checkout's. */
function localCommand(command: readonly string[]): string[] {
  const image = imageEntry.join(" ");
  const entry = brokerCommand(projectRoot(), "source")
    .map((a) => `"${a}"`)
    .join(" ");
  assert.ok(
    command.some((part) => part.includes(image)),
    `the command runs ${image}`,
  );
  return command.map((part) => part.replace(image, entry));
}
