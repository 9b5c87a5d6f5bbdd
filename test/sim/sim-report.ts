/** What a failing seed of any of the simulations prints: its anomalies, the end of its trace, and how to replay it. */
export function seedFailure(
  r: { readonly seed: number; readonly anomalies: readonly string[]; readonly trace: readonly string[] },
  replay: string,
  lines = 60,
): string {
  return [
    `seed ${r.seed}: ${r.anomalies.length} anomalies`,
    ...r.anomalies.slice(0, 10),
    `trace (last ${lines} events):`,
    ...r.trace.slice(-lines),
    `replay: ${replay}`,
  ].join("\n");
}
