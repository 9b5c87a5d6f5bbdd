#!/usr/bin/env node
// The installed `tidelog` command: runs the built CLI (`npm run build` writes ../dist).
// In development, run clients/cli/src/main.ts through tsx instead (see its header).
import { runFromProcess } from "../dist/main.js";

process.exitCode = await runFromProcess();
