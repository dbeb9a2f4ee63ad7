/**
 * Text from elsewhere (a server's error message, a label value) made safe to print on one line: control characters,
 * line and paragraph separators and the bidirectional overrides are written as escapes (`\n`, `\u001b`), so no value
 * can start a new line, move the cursor or reorder what a terminal shows. Long text is cut.
 */
// Control characters are what this finds.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\\]/g;
const MAX_LENGTH = 300;

export function printable(text: string, maxLength = MAX_LENGTH): string {
  const shown = text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
  return shown.replace(UNSAFE, (character) => {
    if (character === '\\') return '\\\\';
    if (character === '\n') return '\\n';
    if (character === '\r') return '\\r';
    if (character === '\t') return '\\t';
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
