// Rendering and reading the Kubernetes manifests in deploy/kubernetes, for the tests.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { projectRoot } from "../../scripts/bootstrap.mjs";
import { findTool } from "./helpers.js";

export const KUSTOMIZE_ROOT = join(projectRoot(), "deploy", "kubernetes");

/** A rendered object: only the fields the tests read are typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary fields of rendered YAML.
  [field: string]: any;
}

/** kubectl (kustomize is built in), or null: Debian's `kubernetes-client` package provides it. */
export const kubectl = findTool("kubectl");

/** The base, etcd and every overlay, as kustomization directories relative to deploy/kubernetes. */
export function kustomizations(): string[] {
  const overlays = readdirSync(join(KUSTOMIZE_ROOT, "overlays"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join("overlays", d.name));
  return ["base", "etcd", ...overlays.sort()];
}

/** `kubectl kustomize <dir>`, parsed; throws with kubectl's message when rendering fails. */
export function render(dir: string): K8sObject[] {
  if (!kubectl) throw new Error("kubectl not found");
  const out = spawnSync(kubectl, ["kustomize", join(KUSTOMIZE_ROOT, dir)], { encoding: "utf8" });
  if (out.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${out.stderr}`);
  return parseAllDocuments(out.stdout).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${dir}: ${doc.errors[0]?.message}`);
    return doc.toJS() as K8sObject;
  });
}

export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`)}`);
  return found;
}

/** The kubernetes-models class for an object's apiVersion and kind, or null. */
export async function modelFor(o: K8sObject): Promise<(new (data: unknown) => { validate(): void }) | null> {
  // kubernetes-models is laid out by apiVersion: "v1", "apps/v1", "policy/v1", ...
  const module: Record<string, unknown> = await import(`kubernetes-models/${o.apiVersion}`);
  const model = module[o.kind];
  return typeof model === "function" ? (model as new (data: unknown) => { validate(): void }) : null;
}
