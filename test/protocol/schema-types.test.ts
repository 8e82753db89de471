/**
 * What a schema accepts is what the code's types say the format holds: a value that passed a
 * schema is used as the hand-written type (with its doc comments), so the schema's output must
 * fit it. A field the schema lets through and the type does not name fails to compile here
 * (`npm run check`, types); the runtime tests only confirm the schemas load.
 */
import { describe, expectTypeOf, test } from 'vitest';
import type { z } from 'zod';
import type { tableDefinitionSchema } from '../../src/backend/schema.js';
import type { FaultPlan } from '../../src/network/fault-plan.js';
import type { faultPlanSchema } from '../../src/network/schema.js';
import type { TableDefinition } from '../../src/protocol/records.js';
import type { scenarioSchema } from '../../src/scenario/schema.js';
import type { ScenarioDefinition } from '../../src/scenario/types.js';

describe('schema outputs fit the types the code uses', () => {
  test('fault plans', () => {
    expectTypeOf<z.output<typeof faultPlanSchema>>().toExtend<FaultPlan>();
  });

  test('table definitions', () => {
    expectTypeOf<z.output<typeof tableDefinitionSchema>>().toExtend<TableDefinition>();
  });

  test('scenario files', () => {
    expectTypeOf<z.output<typeof scenarioSchema>>().toExtend<ScenarioDefinition>();
  });
});
