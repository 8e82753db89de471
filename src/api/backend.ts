/**
 * `syncwright/backend`: the simulated Azure Mobile Apps table service, the server profiles and their
 * conformance cases, and the protocol it speaks (records, ETags, HTTP shapes, OData queries).
 */
export type { HttpMethod, HttpHeaders, HttpRequest, HttpResponse, Transport } from '../protocol/http.js';
export type { TransportFailureKind } from '../protocol/http.js';
export { TransportError, isTransportError, normaliseHeaders } from '../protocol/http.js';
export * from '../protocol/records.js';
export { formatETag, versionFromETag, parseIfMatch, ifMatchAllows, type IfMatchCondition } from '../protocol/etag.js';
export { errorBody, isErrorBody, errorMessageOf, type ErrorBody } from '../protocol/errors.js';
export type * from '../protocol/odata/ast.js';
export type { QueryParameterName } from '../protocol/odata/errors.js';
export { ODataQueryError, ODataParseError, UnknownColumnError, InvalidFilterError } from '../protocol/odata/errors.js';
export { parseFilter } from '../protocol/odata/parser.js';
export { formatFilter } from '../protocol/odata/format.js';
export type { TableQuery, OrderByClause, SortDirection } from '../protocol/odata/query.js';
export { parseTableQuery, formatTableQuery, emptyTableQuery } from '../protocol/odata/query.js';
export type { ColumnMap, ColumnInfo, CompiledSql, SqlValue } from '../protocol/odata/sql.js';
export { compileFilter, compileOrderBy, quoteIdentifier } from '../protocol/odata/sql.js';
/** The whole query model, filter builders (`odata.and`, `odata.compare`, …) included. */
export * as odata from '../protocol/odata/index.js';

export { createBackend, DEFAULT_MAX_BODY_BYTES, MAX_ID_LENGTH } from '../backend/backend.js';
export type {
  Backend,
  BackendOptions,
  BackendSnapshot,
  HandleOptions,
  QueryResult,
  WriteOptions,
  WriteOutcome,
} from '../backend/types.js';
export { BackendError, UnknownTableError, TableDefinitionError } from '../backend/errors.js';
export { validateTableDefinition, type ResolvedTableDefinition } from '../backend/table-definition.js';
export { SERVER_VERSION } from '../backend/http-handler.js';
export type { ServerVariants } from '../backend/server-variants.js';
export {
  COMPATIBILITY_MODES,
  SERVER_PROFILE_NAMES,
  type Compatibility,
  type ServerProfileName,
} from '../backend/profiles/profile.js';
export {
  CONFORMANCE_CASES,
  CONFORMANCE_TABLE,
  runConformance,
  type ConformanceCase,
  type ConformanceOptions,
  type ConformanceReport,
  type Difference,
} from '../backend/conformance/index.js';
export { loadSqlJs } from '../sqlite/sqljs.js';
