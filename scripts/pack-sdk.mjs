#!/usr/bin/env node
// `npm pack` of @tidelog/client runs this first (its prepack): builds the SDK and copies
// the repository's .proto files into clients/sdk/proto, so the packed SDK carries what its
// gRPC loader reads (PROTO_ROOT in clients/sdk/src/protocol/grpc.ts). The copy is build
// output (git ignores it), removed again by the SDK's postpack, so a stale copy never
// shadows proto/ at the repository root, which stays the one source.
import { spawnSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "./bootstrap.mjs";

const root = projectRoot();
const build = spawnSync(
  process.execPath,
  [join(root, "node_modules", "typescript", "bin", "tsc"), "-b", join(root, "clients", "sdk")],
  {
    cwd: root,
    stdio: "inherit",
  },
);
if (build.status !== 0) process.exit(build.status ?? 1);
const target = join(root, "clients", "sdk", "proto");
rmSync(target, { recursive: true, force: true });
cpSync(join(root, "proto"), target, { recursive: true });
