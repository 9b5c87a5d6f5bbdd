/**
 * Draws the availability timeline as one self-contained SVG file, Jepsen style: on top,
 * throughput (ok, failed and indeterminate completions per second); below, latency of
 * the ok ones (p50, p99 and max per second, log scale); across both, each fault's window
 * shaded in its kind's colour and labelled with what it did (hover a window for its
 * times). Written by hand: a few rectangles, paths and labels need no charting library.
 */
import type { FaultRecord } from "../cluster/types.js";
import type { TimelineData, TimelineSecond } from "./timeline.js";

export interface TimelineSvgOptions {
  readonly title: string;
  readonly subtitle?: string;
}

const W = 1000;
const LEFT = 70;
const RIGHT = 24;
const THROUGHPUT = { top: 70, height: 230 };
const LATENCY = { top: 350, height: 210 };
const LEGEND_TOP = 600;
const H = 650;
const PLOT_W = W - LEFT - RIGHT;

const SERIES = {
  ok: "#1f77b4",
  fail: "#ff7f0e",
  info: "#d62728",
  p50: "#2ca02c",
  p99: "#9467bd",
  max: "#bbbbbb",
} as const;

const FAULT_COLOURS: Readonly<Record<string, string>> = {
  kill: "#d62728",
  pause: "#ff7f0e",
  "etcd-kill": "#8c564b",
  "etcd-pause": "#c49c94",
  "partition-leader": "#9467bd",
  "partition-etcd": "#c5b0d5",
  "partition-split": "#e377c2",
  "disk-full": "#7f7f7f",
  "clock-jump": "#bcbd22",
  "torn-tail": "#17becf",
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`);
}

function faultColour(kind: string): string {
  return FAULT_COLOURS[kind] ?? "#999999";
}

/** Ticks at 1, 2 or 5 times a power of ten, from 0 to at least `max`. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 1 : 0);
}

export function renderTimelineSvg(data: TimelineData, options: TimelineSvgOptions): string {
  const seconds = Math.max(1, Math.ceil(data.endMs / 1000));
  const x = (s: number) => LEFT + (s / seconds) * PLOT_W;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    // What a screen reader (and an image viewer's tab) says the chart is.
    `<title>${escapeXml(options.title)}</title>`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="24" font-size="16" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  if (options.subtitle) parts.push(`<text x="${LEFT}" y="44" fill="#555555">${escapeXml(options.subtitle)}</text>`);
  parts.push(...faultWindows(data.faults, x));
  parts.push(...throughputPanel(data.seconds, x, seconds));
  parts.push(...latencyPanel(data.seconds, x, seconds));
  parts.push(...legend(data.faults));
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

function faultWindows(faults: readonly FaultRecord[], x: (s: number) => number): string[] {
  const out: string[] = [];
  const top = THROUGHPUT.top;
  const bottom = LATENCY.top + LATENCY.height;
  for (const f of faults) {
    if (f.skipped !== undefined) continue;
    const endMs = f.endMs ?? f.startMs;
    const x0 = x(f.startMs / 1000);
    const width = Math.max(1, x(endMs / 1000) - x0);
    const colour = faultColour(f.kind);
    const when = `${(f.startMs / 1000).toFixed(1)} s to ${(endMs / 1000).toFixed(1)} s`;
    const detail = f.detail ? ` (${f.detail})` : "";
    out.push(
      `<rect x="${x0.toFixed(1)}" y="${top}" width="${width.toFixed(1)}" height="${bottom - top}" fill="${colour}" fill-opacity="0.15">` +
        `<title>${escapeXml(`${f.kind} ${f.target}${detail}: ${when}`)}</title></rect>`,
    );
    // A label only where it fits; the legend names every kind anyway.
    if (width >= 40) {
      out.push(
        `<text x="${(x0 + 3).toFixed(1)}" y="${top + 12}" font-size="10" fill="${colour}">${escapeXml(`${f.kind} ${f.target}`)}</text>`,
      );
    }
  }
  return out;
}

/** Path data through the points, broken where a value is null. */
function linePath(points: readonly (readonly [number, number | null])[]): string {
  let d = "";
  let drawing = false;
  for (const [px, py] of points) {
    if (py === null) {
      drawing = false;
      continue;
    }
    d += `${drawing ? "L" : "M"}${px.toFixed(1)},${py.toFixed(1)} `;
    drawing = true;
  }
  return d.trim();
}

function xAxis(top: number, height: number, x: (s: number) => number, seconds: number, caption = false): string[] {
  const bottom = top + height;
  const out = [`<line x1="${LEFT}" y1="${bottom}" x2="${LEFT + PLOT_W}" y2="${bottom}" stroke="#333333"/>`];
  for (const s of niceTicks(seconds, 10)) {
    if (s > seconds) break;
    out.push(
      `<line x1="${x(s).toFixed(1)}" y1="${bottom}" x2="${x(s).toFixed(1)}" y2="${bottom + 4}" stroke="#333333"/>`,
    );
    out.push(`<text x="${x(s).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${fmt(s)}</text>`);
  }
  if (caption) {
    out.push(
      `<text x="${LEFT + PLOT_W}" y="${bottom + 30}" text-anchor="end" fill="#555555">seconds since the start</text>`,
    );
  }
  return out;
}

function yLabel(top: number, height: number, text: string): string {
  const cy = top + height / 2;
  return `<text transform="translate(18 ${cy}) rotate(-90)" text-anchor="middle">${escapeXml(text)}</text>`;
}

function throughputPanel(points: readonly TimelineSecond[], x: (s: number) => number, seconds: number): string[] {
  const { top, height } = THROUGHPUT;
  const max = Math.max(1, ...points.map((p) => Math.max(p.ok, p.fail, p.info)));
  const ticks = niceTicks(max, 5);
  const yMax = ticks[ticks.length - 1] as number;
  const y = (v: number) => top + height - (v / yMax) * height;
  const out = [`<line x1="${LEFT}" y1="${top}" x2="${LEFT}" y2="${top + height}" stroke="#333333"/>`];
  for (const t of ticks) {
    out.push(
      `<line x1="${LEFT}" y1="${y(t).toFixed(1)}" x2="${LEFT + PLOT_W}" y2="${y(t).toFixed(1)}" stroke="#eeeeee"/>`,
    );
    out.push(`<text x="${LEFT - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
  out.push(yLabel(top, height, "ops per second"));
  for (const key of ["ok", "info", "fail"] as const) {
    // Each second's count is drawn at the middle of its second.
    const d = linePath(points.map((p) => [x(Math.min(seconds, p.t + 0.5)), y(p[key])]));
    if (d) out.push(`<path d="${d}" fill="none" stroke="${SERIES[key]}" stroke-width="1.5"/>`);
  }
  out.push(...xAxis(top, height, x, seconds));
  out.push(
    ...seriesKey(top - 8, [
      ["ok", SERIES.ok],
      ["indeterminate", SERIES.info],
      ["failed", SERIES.fail],
    ]),
  );
  return out;
}

function latencyPanel(points: readonly TimelineSecond[], x: (s: number) => number, seconds: number): string[] {
  const { top, height } = LATENCY;
  const values = points.flatMap((p) => [p.p50, p.max]).filter((v): v is number => v !== null);
  const lo = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(1, ...values))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(10, ...values)));
  const y = (v: number) =>
    top + height - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / Math.log10(hi / lo)) * height;
  const out = [`<line x1="${LEFT}" y1="${top}" x2="${LEFT}" y2="${top + height}" stroke="#333333"/>`];
  for (let t = lo; t <= hi * 1.0001; t *= 10) {
    out.push(
      `<line x1="${LEFT}" y1="${y(t).toFixed(1)}" x2="${LEFT + PLOT_W}" y2="${y(t).toFixed(1)}" stroke="#eeeeee"/>`,
    );
    out.push(`<text x="${LEFT - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
  out.push(yLabel(top, height, "latency, ms (log)"));
  for (const key of ["max", "p99", "p50"] as const) {
    const d = linePath(points.map((p) => [x(Math.min(seconds, p.t + 0.5)), p[key] === null ? null : y(p[key])]));
    if (d) out.push(`<path d="${d}" fill="none" stroke="${SERIES[key]}" stroke-width="1.5"/>`);
  }
  out.push(...xAxis(top, height, x, seconds, true));
  out.push(
    ...seriesKey(top - 8, [
      ["p50", SERIES.p50],
      ["p99", SERIES.p99],
      ["max", SERIES.max],
    ]),
  );
  return out;
}

function seriesKey(y: number, entries: readonly (readonly [string, string])[]): string[] {
  const out: string[] = [];
  let x = LEFT + PLOT_W;
  for (const [label, colour] of [...entries].reverse()) {
    const width = 24 + label.length * 7;
    x -= width;
    out.push(`<line x1="${x}" y1="${y - 4}" x2="${x + 16}" y2="${y - 4}" stroke="${colour}" stroke-width="2"/>`);
    out.push(`<text x="${x + 20}" y="${y}">${escapeXml(label)}</text>`);
  }
  return out;
}

function legend(faults: readonly FaultRecord[]): string[] {
  const kinds = [...new Set(faults.filter((f) => f.skipped === undefined).map((f) => f.kind))].sort();
  if (kinds.length === 0) {
    return [`<text x="${LEFT}" y="${LEGEND_TOP + 12}" fill="#555555">no faults injected</text>`];
  }
  const out = [`<text x="${LEFT}" y="${LEGEND_TOP + 12}" fill="#555555">faults:</text>`];
  let x = LEFT + 50;
  let y = LEGEND_TOP;
  for (const kind of kinds) {
    const width = 30 + kind.length * 7;
    if (x + width > W - RIGHT) {
      x = LEFT + 50;
      y += 18;
    }
    out.push(`<rect x="${x}" y="${y + 2}" width="12" height="12" fill="${faultColour(kind)}" fill-opacity="0.4"/>`);
    out.push(`<text x="${x + 16}" y="${y + 12}">${escapeXml(kind)}</text>`);
    x += width;
  }
  return out;
}
