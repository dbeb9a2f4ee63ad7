/**
 * A strict JSON reader over one complete answer held as bytes, read in place. The report reads answers of millions of
 * samples: JSON.parse builds an array and a string per sample and reads about 40 MB/s here, a quarter of the speed at
 * which Prometheus writes them; reading the bytes in place keeps up with Prometheus and allocates nothing per sample.
 * It accepts exactly JSON (RFC 8259) and throws `MalformedJson` with what was wrong at the first byte that is not.
 */

export class MalformedJson extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedJson';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
/** Nesting deeper than this in a part the report skips is refused rather than followed. */
const MAX_DEPTH = 64;
/** Up to 15 digits a number is exact in a double whatever they are. */
const EXACT_DIGITS = 15;
/** A value the reader gives for a sample that is not a plain decimal integer: the caller refuses it. */
export const NOT_AN_INTEGER = -1;

const isDigit = (byte: number): boolean => byte >= ZERO && byte <= NINE;

/** Where `samples` writes a series' samples. */
export interface SampleArrays {
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
}

export class JsonReader {
  readonly #bytes: Buffer;
  #at = 0;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  #fail(what: string): never {
    throw new MalformedJson(this.#at >= this.#bytes.length ? `it ends before ${what}` : `${what} expected at byte ${this.#at}`);
  }

  /** The next byte that is not white space, without consuming it (-1 at the end). */
  peek(): number {
    const bytes = this.#bytes;
    let at = this.#at;
    while (at < bytes.length) {
      const byte = bytes[at] ?? 0;
      if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) break;
      at += 1;
    }
    this.#at = at;
    return at < bytes.length ? (bytes[at] ?? -1) : -1;
  }

  #expect(byte: number, what: string): void {
    if (this.peek() !== byte) this.#fail(what);
    this.#at += 1;
  }

  /** Nothing but white space is left. */
  end(): void {
    if (this.peek() !== -1) this.#fail('the end of the answer');
  }

  /** Calls `onKey` for each key of an object, positioned at its value, which `onKey` must read or skip. */
  object(onKey: (key: string) => void): void {
    this.#expect(OPEN_OBJECT, 'an object');
    if (this.peek() === CLOSE_OBJECT) {
      this.#at += 1;
      return;
    }
    for (;;) {
      const key = this.string();
      this.#expect(COLON, '":"');
      onKey(key);
      const next = this.peek();
      this.#at += 1;
      if (next === CLOSE_OBJECT) return;
      if (next !== COMMA) {
        this.#at -= 1;
        this.#fail('"," or "}"');
      }
    }
  }

  /** Calls `onItem` for each item of an array, positioned at it; `onItem` must read or skip it. */
  array(onItem: () => void): void {
    this.#expect(OPEN_ARRAY, 'a list');
    if (this.peek() === CLOSE_ARRAY) {
      this.#at += 1;
      return;
    }
    for (;;) {
      onItem();
      const next = this.peek();
      this.#at += 1;
      if (next === CLOSE_ARRAY) return;
      if (next !== COMMA) {
        this.#at -= 1;
        this.#fail('"," or "]"');
      }
    }
  }

  isNext(byte: 'object' | 'array' | 'string' | 'null'): boolean {
    const next = this.peek();
    return next === { object: OPEN_OBJECT, array: OPEN_ARRAY, string: QUOTE, null: 0x6e }[byte];
  }

  /** A JSON string. */
  string(): string {
    this.#expect(QUOTE, 'a string');
    const bytes = this.#bytes;
    const start = this.#at;
    let at = start;
    let plain = true;
    for (;;) {
      if (at >= bytes.length) {
        this.#at = at;
        this.#fail('the end of a string');
      }
      const byte = bytes[at] ?? 0;
      if (byte === QUOTE) break;
      if (byte === BACKSLASH) {
        plain = false;
        at += 2;
        continue;
      }
      if (byte < 0x20) {
        this.#at = at;
        this.#fail('an escaped control character');
      }
      at += 1;
    }
    this.#at = at + 1;
    if (plain) return bytes.toString('utf8', start, at);
    // Escapes are rare in answers (label values are plain): JSON.parse reads them by the spec, and refuses bad ones.
    try {
      return JSON.parse(bytes.toString('utf8', start - 1, at + 1)) as string;
    } catch {
      this.#at = start;
      return this.#fail('a string with valid escapes');
    }
  }

  /** `null`, consumed. */
  null(): void {
    if (this.peek() !== 0x6e || this.#bytes.toString('latin1', this.#at, this.#at + 4) !== 'null') this.#fail('null');
    this.#at += 4;
  }

  /**
   * A JSON number as seconds, written to `target[index]` as whole milliseconds (rounded). Written rather than
   * returned: a time in milliseconds does not fit a small integer, and a returned one would be a heap allocation per
   * sample.
   */
  #timeInto(target: Float64Array, index: number): void {
    this.peek();
    const bytes = this.#bytes;
    const start = this.#at;
    let at = start;
    let whole = 0;
    let digits = 0;
    while (isDigit(bytes[at] ?? -1)) {
      whole = whole * 10 + (bytes[at] ?? 0) - ZERO;
      at += 1;
      digits += 1;
    }
    let ms = 0;
    let fraction = 0;
    if (bytes[at] === DOT) {
      at += 1;
      let scale = 100;
      while (isDigit(bytes[at] ?? -1)) {
        if (fraction < 3) ms += ((bytes[at] ?? 0) - ZERO) * scale;
        scale /= 10;
        fraction += 1;
        at += 1;
      }
    }
    const next = bytes[at] ?? -1;
    // Plain `123` or `123.456`: exact in integer arithmetic. Anything else (a sign, an exponent, more decimals) goes
    // through the number grammar below.
    if (digits > 0 && digits <= EXACT_DIGITS && fraction <= 3 && (fraction > 0 || bytes[at - 1] !== DOT) && next !== LOWER_E && next !== UPPER_E && (digits === 1 || bytes[start] !== ZERO)) {
      this.#at = at;
      target[index] = whole * 1000 + ms;
      return;
    }
    this.#at = start;
    target[index] = Math.round(this.#number() * 1000);
  }

  /** Any JSON number. */
  #number(): number {
    const bytes = this.#bytes;
    const start = this.#at;
    let at = start;
    if (bytes[at] === MINUS) at += 1;
    if (bytes[at] === ZERO) at += 1;
    else if (isDigit(bytes[at] ?? -1)) while (isDigit(bytes[at] ?? -1)) at += 1;
    else this.#fail('a number');
    if (bytes[at] === DOT) {
      at += 1;
      if (!isDigit(bytes[at] ?? -1)) {
        this.#at = at;
        this.#fail('a digit');
      }
      while (isDigit(bytes[at] ?? -1)) at += 1;
    }
    if (bytes[at] === LOWER_E || bytes[at] === UPPER_E) {
      at += 1;
      if (bytes[at] === PLUS || bytes[at] === MINUS) at += 1;
      if (!isDigit(bytes[at] ?? -1)) {
        this.#at = at;
        this.#fail('a digit');
      }
      while (isDigit(bytes[at] ?? -1)) at += 1;
    }
    this.#at = at;
    return Number(bytes.toString('latin1', start, at));
  }

  /**
   * A sample value as Prometheus writes it, a string holding a float, written to `target[index]`: a plain decimal
   * integer of up to 15 digits as is; anything else (NaN, ±Inf, a sign, a fraction, an exponent, more digits) as
   * `NOT_AN_INTEGER`.
   */
  #valueInto(target: Float64Array, index: number): void {
    this.#expect(QUOTE, 'a sample value (a string)');
    const bytes = this.#bytes;
    let at = this.#at;
    let value = 0;
    let digits = 0;
    while (isDigit(bytes[at] ?? -1)) {
      value = value * 10 + (bytes[at] ?? 0) - ZERO;
      at += 1;
      digits += 1;
    }
    if (bytes[at] === QUOTE && digits > 0 && digits <= EXACT_DIGITS) {
      this.#at = at + 1;
      target[index] = value;
      return;
    }
    this.#at -= 1;
    this.string();
    target[index] = NOT_AN_INTEGER;
  }

  /**
   * A list of `[time, "value"]` pairs (a series' samples) into `timestampsMs` and `values` from index 0, growing them
   * with `grow` (which returns the larger pair) when full; the number of samples. One tight loop: a day at the full
   * default bound is tens of millions of pairs. `single`: one pair, not in a list (a vector's sample).
   */
  samples(arrays: SampleArrays, grow: () => SampleArrays, single = false): number {
    if (single) {
      this.#pair(arrays, 0);
      return 1;
    }
    let current = arrays;
    this.#expect(OPEN_ARRAY, 'a list of samples');
    if (this.peek() === CLOSE_ARRAY) {
      this.#at += 1;
      return 0;
    }
    let count = 0;
    for (;;) {
      if (count === current.timestampsMs.length) current = grow();
      this.#pair(current, count);
      count += 1;
      const next = this.peek();
      this.#at += 1;
      if (next === CLOSE_ARRAY) return count;
      if (next !== COMMA) {
        this.#at -= 1;
        this.#fail('"," or "]"');
      }
    }
  }

  #pair(arrays: SampleArrays, index: number): void {
    if (this.peek() !== OPEN_ARRAY) throw new MalformedJson('a sample is not a [time, "value"] pair');
    this.#at += 1;
    this.#timeInto(arrays.timestampsMs, index);
    if (this.peek() !== COMMA) throw new MalformedJson('a sample is not a [time, "value"] pair');
    this.#at += 1;
    if (this.peek() !== QUOTE) throw new MalformedJson('a sample value is not a string');
    this.#valueInto(arrays.values, index);
    const end = this.peek();
    if (end === COMMA) throw new MalformedJson('a sample has more than a time and a value');
    if (end !== CLOSE_ARRAY) this.#fail('"]"');
    this.#at += 1;
  }

  /** Skips any value, nested ones included (to `MAX_DEPTH`). */
  skip(depth = 0): void {
    if (depth > MAX_DEPTH) this.#fail(`nesting of at most ${MAX_DEPTH} levels`);
    const next = this.peek();
    if (next === OPEN_OBJECT) this.object(() => { this.skip(depth + 1); });
    else if (next === OPEN_ARRAY) this.array(() => { this.skip(depth + 1); });
    else if (next === QUOTE) this.string();
    else if (next === MINUS || isDigit(next)) this.#number();
    else this.#literal();
  }

  #literal(): void {
    for (const word of ['true', 'false', 'null']) {
      if (this.#bytes.toString('latin1', this.#at, this.#at + word.length) === word) {
        this.#at += word.length;
        return;
      }
    }
    this.#fail('a value');
  }
}
