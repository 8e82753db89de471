/**
 * A format's JSON Schema (draft 2020-12), for editors: completion, hover help and checking of
 * the files people write by hand. Parts that zod checks in code (schema.ts: `dispatch`,
 * `across`) are shown as the views they register; functions, which no JSON file holds, as
 * anything.
 */
import { z } from 'zod';
import { editorView } from './schema.js';

export interface JsonSchemaHead {
  /** Where the schema is published, relative or absolute: its `$id`. */
  readonly id?: string;
  readonly title: string;
  readonly description?: string;
}

export type JsonSchema = Readonly<Record<string, unknown>>;

export function toJsonSchema(schema: z.ZodType, head: JsonSchemaHead): JsonSchema {
  const body = convert(schema);
  const { $schema, ...rest } = body;
  return {
    $schema,
    ...(head.id === undefined ? {} : { $id: head.id }),
    title: head.title,
    ...(head.description === undefined ? {} : { description: head.description }),
    ...rest,
  };
}

function convert(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    // A file is what people write: optional fields may be left out, defaults are not filled in.
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      const view = editorView(ctx.zodSchema);
      if (view === undefined) return;
      const { $schema: _, ...shown } = convert(view);
      const description = ctx.jsonSchema.description;
      for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[key];
      Object.assign(ctx.jsonSchema, shown, description === undefined ? {} : { description });
    },
  }) as Record<string, unknown>;
}
