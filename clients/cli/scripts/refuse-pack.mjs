#!/usr/bin/env node
// The CLI's prepack: plain `npm pack` (or `npm publish`) of this workspace would make a
// tarball that needs @tidelog/client and @tidelog/verify from a registry, where they are
// not, so it cannot install. scripts/pack.mjs makes one that bundles them.
process.stderr.write(
  "tidelog CLI: plain npm pack cannot bundle the workspace's @tidelog/client (npm bundles no hoisted workspace package).\n" +
    "Run instead:  npm run package -w clients/cli        (writes tidelog-cli-<version>.tgz; see clients/cli/README.md)\n",
);
process.exit(1);
