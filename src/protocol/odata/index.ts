/** The OData v3 query model: the `$filter` tree, its parser and formatter, table queries, SQL. */
export * from './ast.js';
export * from './errors.js';
export { parseFilter, MAX_FILTER_HEIGHT, MAX_FILTER_NESTING } from './parser.js';
export { formatFilter } from './format.js';
export * from './query.js';
export * from './sql.js';
