/**
 * What a scenario may say about its app's intent, as data: the declarative rules of JSON
 * scenarios, the invariants of TypeScript ones, and what to do about dropped writes. The
 * `intent` checker (intent.ts) judges them.
 */
import type { IntentView } from './intent-view.js';
import type { AppRuleId } from './types.js';

export const FIELD_RULES = ['client-wins', 'server-wins', 'merged'] as const;
/** Which value a field holds once a conflict over its record is resolved and settled. */
export type FieldRule = (typeof FIELD_RULES)[number];

export interface TableRules {
  /** No snapshot shows the table empty once it had a row (on the server, and on each client). */
  readonly 'never-empty'?: boolean;
  /** No two live rows share a value of this field (of each of these fields); nulls aside. */
  readonly unique?: string | readonly string[];
  /** Live rows at the settled end, on the server and on each client. */
  readonly rows?: { readonly min?: number; readonly max?: number };
}

export const TABLE_RULE_KEYS = ['never-empty', 'unique', 'rows'] as const;

/** `{ "orders.qty": "client-wins", "orders": { "unique": "orderNo", "rows": { "min": 1 } } }`. */
export type IntentDeclaration = Readonly<Record<string, FieldRule | TableRules>>;

/**
 * A scenario's own invariant: true when it holds, false when it does not, or the problems found
 * (an empty list: it holds). It runs once per run, after the run settled; it must not be async.
 */
export type Invariant = (view: IntentView) => boolean | readonly string[];

/** `list` (the default): dropped writes are listed; `forbid`: each one is a violation. */
export type DroppedPolicy = 'list' | 'forbid';

export interface ScenarioIntent {
  readonly declared?: IntentDeclaration;
  readonly invariants?: Readonly<Record<string, Invariant>>;
  readonly dropped?: DroppedPolicy;
}

/** Rule ids of the declarative rules; an invariant's is `intent.<its name in kebab case>`. */
export const INTENT_RULE_NAMES: readonly string[] = [...FIELD_RULES, ...TABLE_RULE_KEYS, 'no-drops'];

/** `intent.<name>`, the name in lower-case kebab: `no order without a customer` → `intent.no-order-without-a-customer`. */
export function invariantRuleId(name: string): AppRuleId {
  const kebab = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `intent.${kebab === '' ? 'invariant' : kebab}`;
}

export interface FieldIntent {
  readonly table: string;
  readonly field: string;
  readonly rule: FieldRule;
}

/** Splits a declaration into its field rules (`table.field`) and table rules (`table`). */
export function intentParts(declared: IntentDeclaration = {}): {
  readonly fields: FieldIntent[];
  readonly tables: { readonly table: string; readonly rules: TableRules }[];
} {
  const fields: FieldIntent[] = [];
  const tables: { table: string; rules: TableRules }[] = [];
  for (const [key, value] of Object.entries(declared)) {
    const dot = key.indexOf('.');
    if (typeof value === 'string' && dot > 0)
      fields.push({ table: key.slice(0, dot), field: key.slice(dot + 1), rule: value });
    else if (typeof value === 'object' && value !== null) tables.push({ table: key, rules: value });
  }
  return { fields, tables };
}
