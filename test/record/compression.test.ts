// The compression codecs: each round-trips; the frames we write are the ones Kafka's
// Java client writes and other tools read (Kafka's Java codec libraries, the gzip, lz4
// and zstd command-line tools, published xerial snappy vectors); frames those tools
// write decode here; decompression
// is bounded (a small bomb is refused with MESSAGE_TOO_LARGE before it is expanded);
// and garbage, truncated or unknown-codec payloads end in a typed error.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import {
  BATCH_HEADER_SIZE,
  COMPRESSION_CODECS,
  COMPRESSION_NAMES,
  type CompressionName,
  compress,
  compressionCodec,
  decompress,
  encodeRecordBatch,
  isTidelogError,
} from "@tidelog/client/record";
import fc from "fast-check";
import { compressSync as rawSnappy } from "snappy";

const MiB = 1024 * 1024;
const corrupt = (e: unknown) => isTidelogError(e, "CORRUPT_MESSAGE");
const tooLarge = (e: unknown) => isTidelogError(e, "MESSAGE_TOO_LARGE");

function sample(bytes: number, seed: number): Buffer {
  // Half text-like (compressible), half noise, so every codec has real work.
  const out = Buffer.alloc(bytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (i >> 9) % 2 === 0 ? 97 + (i % 7) : x & 0xff;
  }
  return out;
}

/** Runs a command-line tool on `input`; null when the tool is not installed. */
function tool(command: string, args: string[], input: Buffer): Buffer | null {
  const r = spawnSync(command, args, { input, maxBuffer: 64 * MiB });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") return null;
  assert.equal(r.status, 0, `${command} ${args.join(" ")} failed: ${r.stderr?.toString()}`);
  return r.stdout;
}

function requireTool(t: TestContext, command: string): boolean {
  const r = spawnSync(command, ["--version"]);
  if (r.error) {
    t.skip(`${command} is not installed on this machine`);
    return false;
  }
  return true;
}

test("every codec round-trips empty, small, multi-block and random payloads", () => {
  const payloads = [Buffer.alloc(0), Buffer.from("x"), sample(1000, 1), sample(100_000, 2), sample(300_000, 3)];
  for (const codec of COMPRESSION_CODECS) {
    for (const data of payloads) {
      const packed = codec.compress(data);
      assert.deepEqual(codec.decompress(packed, data.length), data, `${codec.name} of ${data.length} bytes`);
    }
  }
  fc.assert(
    fc.property(fc.constantFrom(...COMPRESSION_NAMES), fc.uint8Array({ maxLength: 5000 }), (name, bytes) => {
      const data = Buffer.from(bytes);
      assert.deepEqual(decompress(name, compress(name, data), data.length), data);
    }),
    { numRuns: 500 },
  );
});

test("concatenated gzip members, lz4 frames and zstd frames decode as their concatenation", () => {
  const a = sample(5_000, 14);
  const b = sample(70_000, 15);
  for (const name of ["gzip", "lz4", "zstd"] as const) {
    const both = Buffer.concat([compress(name, a), compress(name, b)]);
    assert.deepEqual(decompress(name, both, a.length + b.length), Buffer.concat([a, b]), name);
    assert.throws(() => decompress(name, both, a.length + b.length - 1), tooLarge, name);
  }
});

test("codecs are found by id and by name, and anything else is UNSUPPORTED_COMPRESSION_TYPE", () => {
  COMPRESSION_NAMES.forEach((name, id) => {
    assert.equal(compressionCodec(id).name, name);
    assert.equal(compressionCodec(name).id, id);
  });
  for (const bad of [5, 6, 7, -1, 1.5, "brotli" as CompressionName]) {
    assert.throws(
      () => compressionCodec(bad),
      (e: unknown) => isTidelogError(e, "UNSUPPORTED_COMPRESSION_TYPE"),
    );
  }
});

test("snappy writes xerial framing: magic, version 1, compatible 1, blocks of at most 32 KiB", () => {
  const data = sample(100 * 1024, 4);
  const framed = compress("snappy", data);
  assert.equal(framed.subarray(0, 8).toString("hex"), "82534e4150505900");
  assert.equal(framed.readInt32BE(8), 1);
  assert.equal(framed.readInt32BE(12), 1);
  const blockSizes: number[] = [];
  for (let pos = 16; pos < framed.length; ) {
    const length = framed.readInt32BE(pos);
    // Each block is raw snappy: its uvarint preamble is the uncompressed size.
    const block = framed.subarray(pos + 4, pos + 4 + length);
    let size = 0;
    for (let i = 0, scale = 1; ; i++, scale *= 128) {
      size += ((block[i] as number) & 0x7f) * scale;
      if ((block[i] as number) < 0x80) break;
    }
    blockSizes.push(size);
    pos += 4 + length;
  }
  assert.deepEqual(blockSizes, [32768, 32768, 32768, 4096]);
});

test("snappy matches snzip's snappy-java output byte for byte and reads published xerial vectors", () => {
  // `echo -n 'Hello world!' | snzip -t snappy-java | base64`, from an independent tool.
  const snzip = Buffer.from("glNOQVBQWQAAAAABAAAAAQAAAA4MLEhlbGxvIHdvcmxkIQ==", "base64");
  assert.deepEqual(compress("snappy", Buffer.from("Hello world!")), snzip);
  assert.equal(decompress("snappy", snzip, 100).toString(), "Hello world!");
  // The "PLAINDATA" stream from go-xerial-snappy's tests, written by snappy-java.
  const java = Buffer.from([
    130, 83, 78, 65, 80, 80, 89, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 11, 9, 32, 80, 76, 65, 73, 78, 68, 65, 84, 65,
  ]);
  assert.equal(decompress("snappy", java, 100).toString(), "PLAINDATA");
});

test("snappy reads unframed raw blocks, as kafkajs-snappy and librdkafka write them", () => {
  const data = sample(70_000, 5);
  assert.deepEqual(decompress("snappy", rawSnappy(data), data.length), data);
  assert.deepEqual(decompress("snappy", rawSnappy(Buffer.from("x")), 1).toString(), "x");
});

test("lz4 writes frames with independent blocks, as Kafka's Java reader requires", () => {
  const frame = compress("lz4", sample(50_000, 6));
  assert.equal(frame.readUInt32LE(0), 0x184d2204);
  const flg = frame[4] as number;
  assert.equal(flg >> 6, 1, "frame version 01");
  assert.equal(flg & 0x20, 0x20, "block independence");
  assert.equal(flg & 0x01, 0, "no dictionary id");
  assert.ok((((frame[5] as number) >> 4) & 7) >= 4, "block size code 4-7");
});

test("the lz4 command-line tool reads our frames and we read its frames", (t) => {
  if (!requireTool(t, "lz4")) return;
  const data = sample(300_000, 7);
  assert.deepEqual(tool("lz4", ["-d", "-c", "-q"], compress("lz4", data)), data);
  const variants: string[][] = [
    [],
    ["-BD"],
    ["-B4"],
    ["-B4", "-BD", "--content-size"],
    ["--no-frame-crc"],
    ["-BX"],
    ["-9"],
  ];
  for (const flags of variants) {
    const frame = tool("lz4", ["-c", "-q", ...flags], data) as Buffer;
    assert.deepEqual(decompress("lz4", frame, data.length), data, `lz4 ${flags.join(" ")}`);
  }
  // Concatenated frames decode as their concatenation, as the tool does.
  const two = Buffer.concat([
    tool("lz4", ["-c", "-q"], data.subarray(0, 1000)) as Buffer,
    compress("lz4", data.subarray(1000)),
  ]);
  assert.deepEqual(decompress("lz4", two, data.length), data);
  assert.deepEqual(tool("lz4", ["-d", "-c", "-q"], two), data);
});

test("the zstd command-line tool reads our frames and we read its frames, sized or streamed", (t) => {
  if (!requireTool(t, "zstd")) return;
  const data = sample(300_000, 8);
  assert.deepEqual(tool("zstd", ["-d", "-c", "-q"], compress("zstd", data)), data);
  // From stdin the tool does not know the size: frames without a content size, like
  // Java's streaming zstd-jni writes.
  for (const flags of [[], ["-19"], ["--no-check"], ["--long=20"]]) {
    const frame = tool("zstd", ["-c", "-q", ...flags], data) as Buffer;
    assert.equal(frame[4] !== undefined && ((frame[4] as number) & 0xc0) === 0, true, "no content size field");
    assert.deepEqual(decompress("zstd", frame, data.length), data, `zstd ${flags.join(" ")}`);
  }
  const two = Buffer.concat([
    compress("zstd", data.subarray(0, 5)),
    tool("zstd", ["-c", "-q"], data.subarray(5)) as Buffer,
  ]);
  assert.deepEqual(decompress("zstd", two, data.length), data);
});

test("the gzip command-line tool reads our output and we read its output", (t) => {
  if (!requireTool(t, "gzip")) return;
  const data = sample(200_000, 9);
  assert.deepEqual(tool("gzip", ["-d", "-c"], compress("gzip", data)), data);
  assert.deepEqual(decompress("gzip", tool("gzip", ["-c", "-9"], data) as Buffer, data.length), data);
});

/** Debian's packages of the libraries Kafka's Java client compresses with. */
const KAFKA_JAVA_CODEC_JARS = ["snappy-java", "lz4-java", "zstd-jni"].map((name) => `/usr/share/java/${name}.jar`);

test("Kafka's Java codec libraries (snappy-java, lz4-java, zstd-jni) read our payloads and we read theirs", (t) => {
  const missing = KAFKA_JAVA_CODEC_JARS.filter((jar) => !existsSync(jar));
  if (missing.length > 0 || spawnSync("javac", ["-version"]).error) {
    t.skip(
      `needs javac and Debian's libsnappy-java, liblz4-java and libzstd-jni-java (missing: ${missing.join(", ") || "javac"})`,
    );
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "tidelog-java-codecs-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const classpath = [...KAFKA_JAVA_CODEC_JARS, dir].join(":");
  const source = fileURLToPath(new URL("./fixtures/KafkaCodecCheck.java", import.meta.url));
  const compiled = spawnSync("javac", ["-d", dir, "-cp", classpath, source]);
  assert.equal(compiled.status, 0, compiled.stderr?.toString());

  const records = Array.from({ length: 2000 }, (_, i) => ({
    key: `k${i % 50}`,
    value: `{"n":${i},"p":"${"x".repeat(i % 90)}"}`,
  }));
  const plain = encodeRecordBatch({ records, defaultTimestamp: 1 });
  const payloads = [plain.subarray(BATCH_HEADER_SIZE), sample(300_000, 16), Buffer.alloc(0), Buffer.from("x")];
  const codecs = ["snappy", "lz4", "zstd"] as const;
  const jobs: string[] = [];
  const file = (name: string, data?: Buffer) => {
    const path = join(dir, name);
    if (data) writeFileSync(path, data);
    return path;
  };
  for (const codec of codecs) {
    payloads.forEach((data, i) => {
      jobs.push("decode", codec, file(`${codec}-${i}.ours`, compress(codec, data)), file(`${codec}-${i}.read`));
      jobs.push("encode", codec, file(`${codec}-${i}.raw`, data), file(`${codec}-${i}.theirs`));
    });
    const batch = encodeRecordBatch({ records, compression: codec, defaultTimestamp: 1 });
    jobs.push(
      "decode",
      codec,
      file(`${codec}-batch.ours`, batch.subarray(BATCH_HEADER_SIZE)),
      file(`${codec}-batch.read`),
    );
  }
  const ran = spawnSync("java", ["-cp", classpath, "KafkaCodecCheck", ...jobs]);
  assert.equal(ran.status, 0, ran.stderr?.toString());

  for (const codec of codecs) {
    payloads.forEach((data, i) => {
      assert.deepEqual(
        readFileSync(file(`${codec}-${i}.read`)),
        data,
        `Java reads our ${codec} of ${data.length} bytes`,
      );
      const theirs = readFileSync(file(`${codec}-${i}.theirs`));
      assert.deepEqual(decompress(codec, theirs, data.length), data, `we read Java's ${codec} of ${data.length} bytes`);
      if (codec === "snappy") assert.deepEqual(compress(codec, data), theirs, "xerial output is byte-identical");
    });
    const read = readFileSync(file(`${codec}-batch.read`));
    assert.deepEqual(read, plain.subarray(BATCH_HEADER_SIZE), `Java reads the records of our ${codec} batch`);
  }
});

test("a compression bomb is refused with MESSAGE_TOO_LARGE under every codec", () => {
  const bomb = Buffer.alloc(16 * MiB);
  for (const name of COMPRESSION_NAMES) {
    const packed = compress(name, bomb);
    // snappy tops out near 21:1; the others reach hundreds or thousands to one.
    if (name !== "none") assert.ok(packed.length < bomb.length / 20, `${name} bomb is small`);
    assert.throws(() => decompress(name, packed, MiB), tooLarge, name);
    assert.equal(decompress(name, packed, bomb.length).length, bomb.length);
  }
});

test("a zstd bomb without a declared size stops once past the limit", (t) => {
  if (!requireTool(t, "zstd")) return;
  const frame = tool("zstd", ["-c", "-q"], Buffer.alloc(8 * MiB)) as Buffer;
  assert.throws(() => decompress("zstd", frame, MiB), tooLarge);
});

test("declared sizes far beyond the limit are refused before anything is allocated", () => {
  // raw snappy claiming 4 GiB - 1 in its preamble
  assert.throws(() => decompress("snappy", Buffer.from("ffffffff0f00", "hex"), MiB), tooLarge);
  // xerial frame whose single block claims 2 GiB
  const xerial = Buffer.from("82534e4150505900" + "00000001" + "00000001" + "00000006" + "808080800800", "hex");
  assert.throws(() => decompress("snappy", xerial, MiB), tooLarge);
  // lz4 frame declaring a 1 TiB content size
  const lz4 = Buffer.from("04224d18" + "68" + "40" + "0000000000010000" + "00" + "00000000", "hex");
  assert.throws(() => decompress("lz4", lz4, MiB), tooLarge);
  // zstd frame header declaring a 1 TiB content size (8-byte size field, single segment)
  const zstd = Buffer.from("28b52ffd" + "e0" + "0000000000010000" + "010000", "hex");
  assert.throws(() => decompress("zstd", zstd, MiB), tooLarge);
});

test("truncated payloads are CORRUPT_MESSAGE, including an lz4 frame cut before its end mark", () => {
  const data = sample(100_000, 10);
  for (const name of COMPRESSION_NAMES) {
    if (name === "none") continue;
    const packed = compress(name, data);
    for (const cut of [1, 3, 4, 7, Math.floor(packed.length / 2), packed.length - 1]) {
      assert.throws(() => decompress(name, packed.subarray(0, cut), MiB), corrupt, `${name} cut to ${cut}`);
    }
  }
});

test("garbage payloads end in CORRUPT_MESSAGE (or MESSAGE_TOO_LARGE), never a raw library error", () => {
  const garbage = [Buffer.alloc(0), Buffer.from("garbage garbage garbage"), Buffer.alloc(64, 0xff), sample(1000, 11)];
  for (const name of COMPRESSION_NAMES) {
    if (name === "none") continue;
    for (const g of garbage) {
      assert.throws(() => decompress(name, g, MiB), corrupt, `${name} of ${g.length} garbage bytes`);
    }
  }
  fc.assert(
    fc.property(fc.constantFrom(...COMPRESSION_NAMES), fc.uint8Array({ maxLength: 300 }), (name, bytes) => {
      try {
        const out = decompress(name, Buffer.from(bytes), 64 * 1024);
        assert.ok(out.length <= 64 * 1024);
      } catch (e) {
        assert.ok(corrupt(e) || tooLarge(e), `${name}: ${String(e)}`);
      }
    }),
    { numRuns: 3000 },
  );
});

test("damaged frames with valid framing (flipped bytes inside blocks) end in a typed error or the wrong bytes, never a crash", () => {
  const data = sample(20_000, 12);
  fc.assert(
    fc.property(fc.constantFrom(...COMPRESSION_NAMES), fc.nat(), fc.integer({ min: 1, max: 255 }), (name, at, flip) => {
      const packed = Buffer.from(compress(name, data));
      const i = at % packed.length;
      packed[i] = (packed[i] as number) ^ flip;
      try {
        assert.ok(decompress(name, packed, 64 * 1024).length <= 64 * 1024);
      } catch (e) {
        assert.ok(corrupt(e) || tooLarge(e), `${name}: ${String(e)}`);
      }
    }),
    { numRuns: 2000 },
  );
});

test("gzip output is what a default-level zlib gzip writes (and so what kafkajs writes)", () => {
  const data = sample(10_000, 13);
  assert.deepEqual(compress("gzip", data), gzipSync(data));
});
