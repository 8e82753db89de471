/**
 * The JSON Schema of scenario files (schema/scenario.schema.json): written by the build from the
 * zod schema the loader checks with, so it must be what the code generates now; a standard
 * validator (ajv, draft 2020-12) takes it, accepts every shipped scenario and refuses bad ones.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { globSync } from 'tinyglobby';
import { describe, expect, test } from 'vitest';
import { SCENARIO_SCHEMA_PATH, scenarioJsonSchemaText } from '../../src/scenario/json-schema.js';
import { scenarioIssues } from '../../src/scenario/validate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const committed = readFileSync(path.join(ROOT, SCENARIO_SCHEMA_PATH), 'utf8');
const validate = new Ajv2020({ allErrors: true }).compile(JSON.parse(committed) as object);
const shipped = globSync('scenarios/**/*.json', { cwd: ROOT }).sort();

describe('schema/scenario.schema.json', () => {
  test('is what the build writes from the scenario schema as it is now', () => {
    // Stale: run `npm run build` (scripts/schema.mjs writes it).
    expect(committed === scenarioJsonSchemaText(), `${SCENARIO_SCHEMA_PATH} is stale; run \`npm run build\``).toBe(
      true,
    );
  });

  test('editors get help: the root and its fields carry descriptions', () => {
    const schema = JSON.parse(committed) as {
      $schema: string;
      title: string;
      description: string;
      properties: Record<string, { description?: string }>;
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('syncwright scenario');
    expect(schema.description).toContain('scenario');
    const undescribed = Object.entries(schema.properties).filter(([, field]) => field.description === undefined);
    expect(undescribed.map(([name]) => name)).toEqual([]);
  });

  test.each(shipped)('%s names the schema in $schema and is valid by it (ajv)', (file) => {
    const scenario = JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as { $schema?: string };
    expect(path.resolve(ROOT, path.dirname(file), scenario.$schema ?? '')).toBe(path.join(ROOT, SCENARIO_SCHEMA_PATH));
    expect(validate(scenario), JSON.stringify(validate.errors)).toBe(true);
  });

  test('there are shipped scenarios to check', () => {
    expect(shipped.length).toBeGreaterThan(20);
  });

  const bad: [string, unknown, string][] = [
    [
      'an operation no client has',
      { name: 'x', steps: [{ actor: 'client-1', op: { type: 'inset' } }] },
      'steps[0].op.type',
    ],
    ['a property the format does not have', { name: 'x', steps: [], colour: 'red' }, 'colour'],
    ['a policy that is not built in', { name: 'x', steps: [], policy: 'last-write-wins' }, 'policy'],
    [
      'a step that waits a negative time',
      { name: 'x', steps: [{ actor: 'world', op: { type: 'wait', ms: -1 } }] },
      'steps[0].op.ms',
    ],
    [
      'a fault with a status the link cannot answer',
      {
        name: 'x',
        steps: [],
        faults: { default: { faults: [{ effect: { kind: 'http-error', status: 404 }, when: { request: 1 } }] } },
      },
      'faults.default.faults[0].effect.status',
    ],
  ];
  test.each(bad)('refuses %s, as the loader does', (_, scenario, path) => {
    expect(validate(scenario)).toBe(false);
    expect(scenarioIssues(scenario, 'bad.json').map((issue) => issue.path)).toContain(path);
  });
});
