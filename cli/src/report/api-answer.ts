/**
 * The Prometheus HTTP API's answers, read and checked whole: `{"status": "success", "data": …}` or
 * `{"status": "error", "errorType": …, "error": …}`, with `warnings` (and Prometheus 3's `infos`) beside them. Every
 * shape is checked; anything else is a `MalformedJson` that says what was wrong, which the caller turns into an error
 * naming the answer. Series of a matrix or vector go to a callback as they are read, their samples in reused arrays.
 */
import { JsonReader, MalformedJson, type SampleArrays } from './json-reader.ts';

export interface ApiOutcome {
  readonly status: 'success' | 'error';
  readonly errorType: string | undefined;
  readonly error: string | undefined;
  readonly warnings: readonly string[];
}

/**
 * Samples of one series, valid until the callback returns: `timestampsMs[i]` and `values[i]` for i < `count`.
 * `values[i]` is `NOT_AN_INTEGER` where the sample is not a plain decimal integer.
 */
export interface SeriesSamples {
  readonly labels: Readonly<Record<string, string>>;
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
  readonly count: number;
}

export type ResultType = 'matrix' | 'vector';

/** Reads the envelope; `readData` reads `data` (called only when the answer has one). */
function readEnvelope(bytes: Buffer, readData: (reader: JsonReader) => void): ApiOutcome {
  const reader = new JsonReader(bytes);
  let status: string | undefined;
  let errorType: string | undefined;
  let error: string | undefined;
  const warnings: string[] = [];
  const strings = (into: string[]) => () => {
    if (!reader.isNext('string')) throw new MalformedJson('a warning is not a string');
    into.push(reader.string());
  };
  reader.object((key) => {
    if (key === 'status') {
      if (!reader.isNext('string')) throw new MalformedJson('"status" is not a string');
      status = reader.string();
    } else if (key === 'data') readData(reader);
    else if (key === 'errorType' && reader.isNext('string')) errorType = reader.string();
    else if (key === 'error' && reader.isNext('string')) error = reader.string();
    else if ((key === 'warnings' || key === 'infos') && reader.isNext('array')) reader.array(strings(warnings));
    else reader.skip();
  });
  reader.end();
  if (status !== 'success' && status !== 'error') throw new MalformedJson('"status" is neither "success" nor "error"');
  return { status, errorType, error, warnings };
}

/** A query answer whose result must be `resultType`; each series goes to `onSeries` as it is read. */
export function readQueryAnswer(bytes: Buffer, resultType: ResultType, onSeries: (series: SeriesSamples) => void): ApiOutcome {
  const saw = { data: false, result: false, type: false };
  const outcome = readEnvelope(bytes, (reader) => {
    saw.data = true;
    reader.object((key) => {
      if (key === 'resultType') {
        if (!reader.isNext('string')) throw new MalformedJson('"resultType" is not a string');
        const type = reader.string();
        saw.type = true;
        if (type !== resultType) throw new MalformedJson(`"resultType" is "${type === 'vector' || type === 'matrix' || type === 'scalar' || type === 'string' ? type : 'something else'}", not "${resultType}"`);
      } else if (key === 'result') {
        saw.result = true;
        if (!reader.isNext('array')) throw new MalformedJson('"result" is not a list');
        readResult(reader, resultType, onSeries);
      } else reader.skip();
    });
    if (!saw.type || !saw.result) throw new MalformedJson('"data" has no "resultType" or no "result"');
  });
  if (outcome.status === 'success' && !saw.data) throw new MalformedJson('it has no "data"');
  return outcome;
}

/** A label-values answer: a list of strings. */
export function readLabelValuesAnswer(bytes: Buffer): { readonly outcome: ApiOutcome; readonly values: string[] } {
  const values: string[] = [];
  const saw = { data: false };
  const outcome = readEnvelope(bytes, (reader) => {
    saw.data = true;
    if (!reader.isNext('array')) throw new MalformedJson('"data" is not a list');
    reader.array(() => {
      if (!reader.isNext('string')) throw new MalformedJson('a label value is not a string');
      values.push(reader.string());
    });
  });
  if (outcome.status === 'success' && !saw.data) throw new MalformedJson('it has no "data"');
  return { outcome, values };
}

const INITIAL_CAPACITY = 8_192;

function readResult(reader: JsonReader, resultType: ResultType, onSeries: (series: SeriesSamples) => void): void {
  let arrays: SampleArrays = { timestampsMs: new Float64Array(INITIAL_CAPACITY), values: new Float64Array(INITIAL_CAPACITY) };
  const grow = (): SampleArrays => {
    const larger = (array: Float64Array): Float64Array => {
      const copy = new Float64Array(array.length * 2);
      copy.set(array);
      return copy;
    };
    arrays = { timestampsMs: larger(arrays.timestampsMs), values: larger(arrays.values) };
    return arrays;
  };

  reader.array(() => {
    if (!reader.isNext('object')) throw new MalformedJson('a series is not an object');
    let labels: Record<string, string> | undefined;
    let count = -1;
    reader.object((key) => {
      if (key === 'metric') {
        if (!reader.isNext('object')) throw new MalformedJson('"metric" of a series is not an object of labels');
        const read: Record<string, string> = Object.create(null) as Record<string, string>;
        reader.object((name) => {
          if (!reader.isNext('string')) throw new MalformedJson('a label value is not a string');
          read[name] = reader.string();
        });
        labels = read;
      } else if (key === 'values' && resultType === 'matrix') {
        if (!reader.isNext('array')) throw new MalformedJson('"values" of a series is not a list');
        count = reader.samples(arrays, grow);
      } else if (key === 'value' && resultType === 'vector') {
        // One [time, "value"] pair: read as a list of one.
        if (!reader.isNext('array')) throw new MalformedJson('a sample is not a [time, "value"] pair');
        count = reader.samples(arrays, grow, true);
      } else if (key === 'histograms' || key === 'histogram') {
        throw new MalformedJson('a series holds native histogram samples, not counter samples');
      } else reader.skip();
    });
    if (labels === undefined || count === -1) throw new MalformedJson(`a series has no "metric" or no "${resultType === 'matrix' ? 'values' : 'value'}"`);
    onSeries({ labels, timestampsMs: arrays.timestampsMs, values: arrays.values, count });
  });
}
