/**
 * zstd-napi, loaded once when this module is imported, without failing the import when
 * it cannot be. Its native part comes from an install script (prebuild-install, else a
 * node-gyp build), which an installer may not run: npm's allowScripts policy (advisory
 * from npm 11.16, enforced from npm 12), --ignore-scripts, or a machine with neither a
 * matching prebuilt binary nor a compiler. The other codecs ship prebuilt binaries and
 * need no script, so the client (and the broker, which shares this codec) must load and
 * work without zstd: only zstd then fails, with UNSUPPORTED_COMPRESSION_TYPE saying what
 * to do.
 */
import { createRequire } from "node:module";
import type * as ZstdApi from "zstd-napi";
import type * as ZstdBinding from "zstd-napi/binding.js";
import { TidelogError } from "../errors.js";

export interface ZstdNative {
  readonly compress: typeof ZstdApi.compress;
  readonly binding: typeof ZstdBinding;
}

/** What to do when zstd-napi is not usable, said where the failure is reported. */
export const ZSTD_MISSING_ADVICE =
  "zstd needs the native module zstd-napi, whose install script did not run or could not build it here " +
  "(npm's allowScripts policy, --ignore-scripts, no prebuilt binary and no compiler). In the application's " +
  "folder: npm approve-scripts zstd-napi (npm 11.16 and later), then npm rebuild zstd-napi; building from " +
  "source needs python3, make and a C++ compiler. The other codecs (gzip, snappy, lz4) work without it";

function load(): ZstdNative | Error {
  try {
    const require = createRequire(import.meta.url);
    const api = require("zstd-napi") as typeof ZstdApi;
    return { compress: api.compress, binding: require("zstd-napi/binding.js") as typeof ZstdBinding };
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** The loaded module, or why it could not be loaded (fixed for the life of the process). */
const ZSTD: ZstdNative | Error = load();

/** Why zstd cannot be used in this process, or null when it can. */
export function zstdUnavailable(): string | null {
  return ZSTD instanceof Error ? `${ZSTD_MISSING_ADVICE} (${ZSTD.message.split("\n")[0]})` : null;
}

/** zstd-napi; UNSUPPORTED_COMPRESSION_TYPE with what to do when it is not usable here. */
export function zstdNative(): ZstdNative {
  if (ZSTD instanceof Error) {
    throw new TidelogError("UNSUPPORTED_COMPRESSION_TYPE", zstdUnavailable() ?? ZSTD_MISSING_ADVICE, { cause: ZSTD });
  }
  return ZSTD;
}
