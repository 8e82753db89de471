/**
 * The wire as plain data. Requests and responses are JSON-serialisable so that they can be
 * recorded in histories, sent across worker threads and compared byte for byte.
 */
import { withoutStack } from './stackless.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT' | 'OPTIONS' | 'HEAD';

/** Header names are lower-case. */
export type HttpHeaders = Record<string, string>;

export interface HttpRequest {
  readonly method: string;
  /** Path and query string, e.g. `/tables/todoitem?$top=2`. Never an absolute URL. */
  readonly url: string;
  readonly headers: HttpHeaders;
  /** The raw body text; absent for requests without a body. */
  readonly body?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: HttpHeaders;
  /** The raw body text ('' when empty). */
  readonly body: string;
}

/**
 * A client's only way to a server. It resolves with whatever the server answered (any status)
 * and rejects with a {@link TransportError} when no answer came back.
 */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

/** Why no answer came back. `lost-response` means the server may have applied the request. */
export type TransportFailureKind = 'network' | 'timeout' | 'offline' | 'lost-response';

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly kind: TransportFailureKind,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A {@link TransportError} for a failure a simulated network made up. Its stack would show the
 * link's own frames and nothing of the app, and capturing it cost more than the rest of the
 * failed request; so it has none.
 */
export function simulatedTransportError(kind: TransportFailureKind, message: string): TransportError {
  return withoutStack(() => new TransportError(kind, message));
}

export function isTransportError(error: unknown): error is TransportError {
  return error instanceof TransportError;
}

/** Lower-cases header names, keeping the last value of duplicates. */
export function normaliseHeaders(headers: Record<string, string | undefined>): HttpHeaders {
  const result: HttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name.toLowerCase()] = value;
  }
  return result;
}

const REASON_PHRASES: Readonly<Record<number, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The standard reason phrase of the statuses this protocol uses ('' for others). */
export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? '';
}
