/**
 * What a schema accepts is what the code's types say the format holds. Where a type is the
 * schema's output (`Frozen<z.output<…>>`: baselines, explorer time, world and reset requests)
 * there is nothing to compare. Scenario files, fault plans and table definitions keep their
 * hand-written types — inference would lose their doc comments, the readonly and literal
 * types the code narrows on, and the precision of the parts a schema checks in code — so a
 * value that passed their schema is used as the hand-written type, and the schema's output
 * must fit it: a field the schema lets through and the type does not name fails to compile
 * here (`npm run check`, types); the runtime tests only confirm the schemas load. Results files,
 * hunt findings and corpus entries are checked near their top only (their insides come from
 * syncwright's own writers): their types stay hand-written, with nothing to compare.
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
