/**
 * The examples our configuration files carry as comments (prometheus.yml's `external_labels` and `remote_write`,
 * alertmanager.yml's Slack and email receivers), uncommented exactly as the README tells an operator to: so a test
 * runs or checks the very lines an operator would switch on.
 *
 * A block is a comment line `<indent># <key>:` and the comment lines after it that go deeper (`<indent>#  ...`);
 * uncommenting removes `# ` after the indent of every line of the block, so comments inside the block stay comments.
 */

export function uncommentBlock(text: string, key: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.trimStart() === `# ${key}:`);
  if (start === -1) throw new Error(`no commented "${key}:" block`);
  const indent = (lines[start] ?? '').slice(0, (lines[start] ?? '').indexOf('#'));
  if (lines.findIndex((line, index) => index > start && line.trimStart() === `# ${key}:`) !== -1) {
    throw new Error(`more than one commented "${key}:" block`);
  }
  let end = start + 1;
  while (end < lines.length && (lines[end] ?? '').startsWith(`${indent}#  `)) end += 1;
  if (end === start + 1) throw new Error(`the commented "${key}:" block is empty`);
  const uncommented = lines.slice(start, end).map((line) => indent + line.slice(indent.length + 2));
  return [...lines.slice(0, start), ...uncommented, ...lines.slice(end)].join('\n');
}

export function uncommentBlocks(text: string, keys: readonly string[]): string {
  return keys.reduce((current, key) => uncommentBlock(current, key), text);
}
