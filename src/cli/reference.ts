/**
 * docs/reference/cli.md, rendered from the commands' own summaries and `--help` texts, so the
 * page cannot drift from what `syncwright <command> --help` prints. `npm run docs` writes it
 * (scripts/docs.mjs); test/docs/generated.test.ts fails when the committed page is stale.
 */
import type { Command } from './command.js';

/** Where the page lives, from the repository's root. */
export const CLI_REFERENCE_PATH = 'docs/reference/cli.md';

/** The whole page for these commands, in their order. */
export function cliReference(commands: readonly Command[]): string {
  const lines = [
    '# The command line, option by option',
    '',
    '<!-- Written by `npm run docs` (scripts/docs.mjs) from each command’s `--help` text. Do not edit by hand: change the command’s usage and run `npm run docs`. -->',
    '',
    'Every command prints this text with `syncwright <command> --help`. A mistake in the arguments',
    'exits with code 2. The guides show the commands at work: [the command line](../guides/command-line.md).',
    '',
    '| command | what it does |',
    '| --- | --- |',
    ...commands.map((command) => `| [\`${command.name}\`](#syncwright-${command.name}) | ${cell(command.summary)} |`),
  ];
  for (const command of commands) {
    lines.push('', `## syncwright ${command.name}`, '', command.summary, '', '```text', command.usage.trimEnd(), '```');
  }
  return `${lines.join('\n')}\n`;
}

/** Undefined when the written page is the generated one; otherwise where they part, worded for a reader. */
export function referenceDrift(file: string, written: string, generated: string): string | undefined {
  if (written === generated) return undefined;
  const have = written.split('\n');
  const want = generated.split('\n');
  let line = 0;
  while (line < have.length && line < want.length && have[line] === want[line]) line++;
  const shown = (text: string | undefined): string =>
    text === undefined ? 'the end of the page' : JSON.stringify(text);
  return `${file}: line ${line + 1}: expected ${shown(want[line])}, found ${shown(have[line])} — the page is stale; run \`npm run docs\``;
}

/** A table cell: a pipe would end the cell early, and `<seed>` would be read as an HTML tag. */
function cell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}
