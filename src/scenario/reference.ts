/**
 * The field tables of docs/reference/scenario-format.md, rendered from the scenario format's
 * JSON Schema (json-schema.ts), so that the page cannot drift from what the loader checks.
 * `npm run docs` rewrites the part between the page's markers (scripts/docs.mjs);
 * test/docs/generated.test.ts fails when the committed page is stale.
 */
import type { JsonSchema } from '../protocol/json-schema.js';

/** Where the page lives, from the repository's root. */
export const SCENARIO_REFERENCE_PATH = 'docs/reference/scenario-format.md';

const START =
  '<!-- fields: written by `npm run docs` (scripts/docs.mjs) from the scenario schema. Do not edit by hand: change src/scenario/schema.ts and run `npm run docs`. -->';
const END = '<!-- /fields -->';

/** Object-valued fields that get a table of their own, below the top level's. */
const SECTIONS = ['server', 'generate', 'generate.faults', 'origin'] as const;

type Node = Readonly<Record<string, unknown>> & {
  readonly type?: string | readonly string[];
  readonly description?: string;
  readonly properties?: Readonly<Record<string, Node>>;
  readonly required?: readonly string[];
  readonly items?: Node;
  readonly anyOf?: readonly Node[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly additionalProperties?: Node | boolean;
};

/** The tables, between the markers. */
export function scenarioFieldTables(schema: JsonSchema): string {
  const root = schema as Node;
  const lines = [START, '', '| field | value | what it is |', '| --- | --- | --- |', ...rows(root)];
  for (const section of SECTIONS) {
    const node = section.split('.').reduce<Node | undefined>((at, key) => at?.properties?.[key], root);
    if (node?.properties === undefined) continue;
    lines.push('', `\`${section}\`:`, '', '| field | value | what it is |', '| --- | --- | --- |', ...rows(node));
  }
  lines.push('', END);
  return lines.join('\n');
}

/** The page with its field tables as generated; a page without the markers gets them at its end. */
export function withFieldTables(page: string, schema: JsonSchema): string {
  const tables = scenarioFieldTables(schema);
  const start = page.indexOf(START);
  const end = page.indexOf(END);
  if (start < 0 || end < start) return `${page}${page === '' || page.endsWith('\n') ? '' : '\n'}\n${tables}\n`;
  return `${page.slice(0, start)}${tables}${page.slice(end + END.length)}`;
}

function rows(node: Node): string[] {
  const required = new Set(node.required ?? []);
  return Object.entries(node.properties ?? {}).map(
    ([name, field]) =>
      `| \`${name}\`${required.has(name) ? ' (required)' : ''} | ${cell(value(field))} | ${cell(field.description ?? '')} |`,
  );
}

/** A value's shape in a few words: `integer 1–10`, `"soft" or "hard"`, `list of string`. */
function value(node: Node): string {
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum !== undefined)
    return node.enum.length <= 6
      ? node.enum.map((item) => JSON.stringify(item)).join(' or ')
      : `one of ${node.enum.length} names`;
  if (node.anyOf !== undefined) return [...new Set(node.anyOf.map(value))].join(' or ');
  const type = Array.isArray(node.type) ? node.type.join(' or ') : node.type;
  switch (type) {
    case 'integer':
    case 'number':
      return `${type}${range(node)}`;
    case 'array':
      return node.items === undefined ? 'list' : `list of ${value(node.items)}`;
    case 'object':
      return node.properties === undefined && typeof node.additionalProperties === 'object'
        ? `object of ${value(node.additionalProperties)}`
        : 'object';
    case undefined:
      return 'anything (TypeScript scenarios: a function)';
    default:
      return String(type);
  }
}

function range(node: Node): string {
  const { minimum, maximum } = node;
  if (minimum !== undefined && maximum !== undefined) return ` ${minimum}–${maximum}`;
  if (minimum !== undefined) return ` ≥ ${minimum}`;
  if (maximum !== undefined) return ` ≤ ${maximum}`;
  return '';
}

/** A table cell: a pipe would end the cell early, and `<table>` would be read as an HTML tag. */
function cell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}
