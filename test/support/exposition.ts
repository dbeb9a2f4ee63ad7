/**
 * A small reader of the Prometheus text exposition, for exact assertions on what `/metrics` serves.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (match === null) throw new Error(`not an exposition line: ${line}`);
    const [, name = '', labelText = '', value = ''] = match;
    const labels: Record<string, string> = {};
    for (const [, key = '', raw = ''] of labelText.matchAll(LABEL_PAIR)) {
      labels[key] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name, labels, value: Number(value) });
  }
  return samples;
}

/**
 * The value of the one series of `name` whose labels equal `labels` exactly, or `undefined` when the exposition has no
 * such series: a series exported as 0 and a series left out are two different things.
 */
export function valueOf(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  const found = parseExposition(text).find(
    (sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted,
  );
  return found?.value;
}

/** The value of a series, counting one that is not exported as 0 (for sums and totals, where absence adds nothing). */
export function countOf(text: string, name: string, labels: Record<string, string> = {}): number {
  return valueOf(text, name, labels) ?? 0;
}

export function seriesOf(text: string, name: string): Sample[] {
  return parseExposition(text).filter((sample) => sample.name === name);
}
