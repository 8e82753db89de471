/**
 * Runs a profile's case table against any server through a Transport (in-process or real HTTP)
 * and lists where the answers differ. The cases use one table (see {@link CONFORMANCE_TABLE}),
 * create records whose ids start with a run id, and delete them afterwards.
 */
import { isTransportError, type HttpRequest, type HttpResponse, type Transport } from '../../protocol/http.js';
import type { TableDefinition } from '../../protocol/records.js';
import type { Compatibility, ServerProfileName } from '../profiles/profile.js';
import { ASPNET_CASES } from './aspnet-cases.js';
import { NODE_CASES } from './node-cases.js';
import type {
  CaseContext,
  CaseRequest,
  ConformanceCase,
  ConformanceReport,
  Difference,
  Expectation,
  HeaderExpectation,
} from './types.js';

/**
 * The table the cases need: text and a boolean, soft delete on, the default page size (50) and
 * largest `$top` (1000). On an ASP.NET server: an EntityData class with `Text` (string) and
 * `Complete` (bool?), its TableController as the quickstart's, with soft delete enabled.
 */
export const CONFORMANCE_TABLE: TableDefinition = {
  name: 'syncwright_conformance',
  columns: { text: 'string', complete: 'boolean' },
  softDelete: true,
};

export const CONFORMANCE_CASES: Readonly<Record<ServerProfileName, readonly ConformanceCase[]>> = {
  node: NODE_CASES,
  aspnet: ASPNET_CASES,
};

export interface ConformanceOptions {
  /** The profile whose answers are expected. */
  readonly profile: ServerProfileName;
  /** Which face of the profile: `default` (syncwright's), `exact` (a real server). Default `default`. */
  readonly compatibility?: Compatibility;
  readonly transport: Transport;
  /** Where the server is, as its answers will name it: `http://127.0.0.1:3000`. */
  readonly baseUrl: string;
  /** Default `syncwright_conformance`. */
  readonly table?: string;
  /** Only the cases that do not write. */
  readonly readOnly?: boolean;
  /** Prefix of this run's record ids: unique per run, so that runs never meet (letters, digits, `-`). */
  readonly runId: string;
  /** Hears each case as it ends. */
  readonly onCase?: (id: string, outcome: 'same' | 'different' | 'skipped') => void;
}

export async function runConformance(options: ConformanceOptions): Promise<ConformanceReport> {
  const base = new URL(options.baseUrl);
  const runId = options.runId;
  const context: CaseContext = {
    table: options.table ?? CONFORMANCE_TABLE.name,
    id: (name) => `${runId}-${name}`,
    number: 1_000_000_000 + (hashOf(runId) % 1_000_000_000),
    baseUrl: `${base.protocol}//${base.host}`,
    host: base.host,
    hostname: base.hostname,
    compatibility: options.compatibility ?? 'default',
  };
  const created = new Set<string>();
  const differences: Difference[] = [];
  const skipped: { case: string; reason: string }[] = [];
  let ran = 0;
  const send = async (request: CaseRequest): Promise<HttpResponse | string> => {
    try {
      const response = await options.transport(toHttpRequest(context, request));
      noteCreated(request, response, created);
      return response;
    } catch (error) {
      if (isTransportError(error) || error instanceof Error) return `no answer: ${error.message}`;
      return `no answer: ${String(error)}`;
    }
  };

  for (const testCase of CONFORMANCE_CASES[options.profile]) {
    if (options.readOnly === true && !testCase.readOnly) {
      skipped.push({ case: testCase.id, reason: 'writes (left out of the read-only subset)' });
      options.onCase?.(testCase.id, 'skipped');
      continue;
    }
    const failedSetup = await runSetup(testCase, context, send);
    if (failedSetup !== undefined) {
      skipped.push({ case: testCase.id, reason: failedSetup });
      options.onCase?.(testCase.id, 'skipped');
      continue;
    }
    ran++;
    const request = testCase.request(context);
    const answer = await send(request);
    const expectation = testCase.expect(context);
    const { expected, found } =
      typeof answer === 'string'
        ? { expected: describeExpectation(expectation), found: [answer] }
        : compare(expectation, answer);
    if (found.length > 0) {
      differences.push({
        case: testCase.id,
        title: testCase.title,
        source: testCase.source,
        request: `${request.method} ${request.path}`,
        expected,
        found,
      });
    }
    options.onCase?.(testCase.id, found.length > 0 ? 'different' : 'same');
  }

  const leftBehind: string[] = [];
  for (const id of created) {
    const answer = await send({ method: 'DELETE', path: `/tables/${context.table}/${encodeURIComponent(id)}` });
    if (typeof answer === 'string' || (answer.status >= 300 && answer.status !== 404)) leftBehind.push(id);
  }
  return {
    profile: options.profile,
    compatibility: context.compatibility,
    ran,
    differences,
    skipped,
    leftBehind,
  };
}

async function runSetup(
  testCase: ConformanceCase,
  context: CaseContext,
  send: (request: CaseRequest) => Promise<HttpResponse | string>,
): Promise<string | undefined> {
  for (const request of testCase.setup?.(context) ?? []) {
    const answer = await send(request);
    if (typeof answer === 'string') return `setup ${request.method} ${request.path}: ${answer}`;
    if (answer.status >= 300)
      return `setup ${request.method} ${request.path} answered ${answer.status}: ${answer.body.slice(0, 200)}`;
  }
  return undefined;
}

function toHttpRequest(context: CaseContext, request: CaseRequest): HttpRequest {
  const headers: Record<string, string> = { 'zumo-api-version': '2.0.0', host: context.host };
  if (request.json !== undefined) headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  const body = request.json !== undefined ? JSON.stringify(request.json) : request.text;
  return { method: request.method, url: request.path, headers, ...(body === undefined ? {} : { body }) };
}

/** Ids of records a POST to the collection created, so that the run can delete them. */
function noteCreated(request: CaseRequest, response: HttpResponse, created: Set<string>): void {
  if (request.method !== 'POST' || response.status !== 201) return;
  try {
    const id = (JSON.parse(response.body) as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') created.add(String(id));
  } catch {
    // Not a record: nothing to clean up.
  }
}

function compare(expectation: Expectation, response: HttpResponse): { expected: string[]; found: string[] } {
  const expected: string[] = [];
  const found: string[] = [];
  if (response.status !== expectation.status) {
    expected.push(`status ${expectation.status}`);
    found.push(`status ${response.status}`);
  }
  for (const [name, wanted] of Object.entries(expectation.headers ?? {})) {
    const value = response.headers[name];
    if (!headerMatches(wanted, value)) {
      expected.push(`${name}: ${describeHeader(wanted)}`);
      found.push(`${name}: ${value === undefined ? '(absent)' : value}`);
    }
  }
  if (expectation.body !== undefined && !expectation.body.test(response.body)) {
    expected.push(`body: ${expectation.body.describe}`);
    found.push(`body: ${response.body === '' ? '(empty)' : shorten(response.body)}`);
  }
  return { expected, found };
}

function describeExpectation(expectation: Expectation): string[] {
  return [
    `status ${expectation.status}`,
    ...Object.entries(expectation.headers ?? {}).map(([name, wanted]) => `${name}: ${describeHeader(wanted)}`),
    ...(expectation.body === undefined ? [] : [`body: ${expectation.body.describe}`]),
  ];
}

function headerMatches(wanted: HeaderExpectation, value: string | undefined): boolean {
  if (typeof wanted === 'string') return value === wanted;
  if (wanted instanceof RegExp) return value !== undefined && wanted.test(value);
  return value === undefined;
}

function describeHeader(wanted: HeaderExpectation): string {
  if (typeof wanted === 'string') return wanted;
  if (wanted instanceof RegExp) return `matching ${String(wanted)}`;
  return '(absent)';
}

function shorten(text: string): string {
  return text.length > 300 ? `${text.slice(0, 297)}…` : text;
}

/** FNV-1a: a number from the run id, for the integer-id case. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
