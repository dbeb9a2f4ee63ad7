/** Text helpers the generators share. */

/** `0.05` → `5%`. */
export function percent(ratio: number): string {
  return `${String(Math.round(ratio * 10_000) / 100)}%`;
}

/** The words of `text` in lines of at most `width` characters. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}
