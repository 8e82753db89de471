/**
 * How the client talks to a server: requests shaped as the JS SDK shapes them, sent through the
 * {@link Transport} the client was given (`fetch` by default), answers of 400 and above turned
 * into {@link MobileServiceHttpError}.
 */
import { errorMessageOf } from '../protocol/errors.js';
import { TransportError, type HttpRequest, type HttpResponse, type Transport } from '../protocol/http.js';
import type { Clock } from '../kernel/clock.js';
import { withoutStack } from '../protocol/stackless.js';

export const API_VERSION = '2.0.0';
export const SDK_VERSION = 'ZUMO/2.0 (lang=Web; os=--; os_version=--; arch=--; version=2.0.1)';

/** The telemetry codes the SDK sends in `X-ZUMO-FEATURES`. */
export type Feature = 'OL' | 'IP' | 'TR' | 'TQ' | 'QS' | 'OC';

/** A server answered with a status of 400 or more. */
export class MobileServiceHttpError extends Error {
  override readonly name = 'MobileServiceHttpError';

  constructor(
    readonly request: HttpRequest,
    readonly response: HttpResponse,
  ) {
    super(errorMessageOf(response.body) ?? `The request could not be completed (HTTP ${response.status})`);
  }

  get status(): number {
    return this.response.status;
  }
}

/** The status of an error, when it is a server's answer; null for a failed transport. */
export function statusOf(error: unknown): number | null {
  return error instanceof MobileServiceHttpError ? error.status : null;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  features?: readonly Feature[];
}

/** Sends table requests with the SDK's headers, through a transport, on a clock. */
export class RequestSender {
  constructor(
    private readonly transport: Transport,
    private readonly clock: Clock,
    private readonly installationId: string,
    /** Abandon a request after this many ms of the clock (a TransportError of kind `timeout`). */
    private readonly timeoutMs?: number,
  ) {}

  async send(method: string, url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      'zumo-api-version': API_VERSION,
      'x-zumo-installation-id': this.installationId,
      'x-zumo-version': SDK_VERSION,
    };
    const extra = options.headers;
    if (extra !== undefined) for (const name of Object.keys(extra)) headers[name.toLowerCase()] = extra[name]!;
    if (options.features !== undefined && options.features.length > 0)
      headers['x-zumo-features'] = options.features.join(',');
    let request: HttpRequest;
    if (options.body === undefined) {
      request = { method, url, headers };
    } else {
      headers['content-type'] = 'application/json';
      request = { method, url, headers, body: JSON.stringify(options.body) };
    }
    const response = await this.withTimeout(this.transport(request));
    // Caught by the SDK itself nearly always (a push hands it to the handler, a pull reports it).
    if (response.status >= 400) throw withoutStack(() => new MobileServiceHttpError(request, response));
    return response;
  }

  private withTimeout(answer: Promise<HttpResponse>): Promise<HttpResponse> {
    const timeoutMs = this.timeoutMs;
    if (timeoutMs === undefined) return answer;
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(
        () => reject(new TransportError('timeout', `No answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      answer.then(
        (response) => {
          this.clock.clearTimeout(timer);
          resolve(response);
        },
        (error: unknown) => {
          this.clock.clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}

/** Parses a JSON answer body; a body that is not JSON is a clear error, not a crash later. */
export function parseJsonBody(response: HttpResponse, what: string): unknown {
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    throw new Error(`The server's answer to ${what} is not JSON: ${response.body.slice(0, 200)}`);
  }
}

type FetchLike = (
  input: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{
  status: number;
  headers: { forEach(callback: (value: string, name: string) => void): void };
  text(): Promise<string>;
}>;

/**
 * The default transport: `fetch` to `baseUrl` + the request's path. Anything that keeps an
 * answer from coming back (a bad host, a refused connection, an invalid URL) becomes a
 * {@link TransportError} of kind `network`, as the SDK reports "Unexpected connection failure".
 */
export function createFetchTransport(baseUrl: string, fetchImplementation?: FetchLike): Transport {
  const base = baseUrl.replace(/\/+$/, '');
  return async (request) => {
    const doFetch = fetchImplementation ?? (globalThis.fetch as unknown as FetchLike | undefined);
    if (doFetch === undefined)
      throw new TransportError('network', 'Unexpected connection failure: fetch is not available');
    let answer: Awaited<ReturnType<FetchLike>>;
    let body: string;
    try {
      const init: { method: string; headers: Record<string, string>; body?: string } = {
        method: request.method,
        headers: { ...request.headers },
      };
      if (request.body !== undefined) init.body = request.body;
      answer = await doFetch(`${base}${request.url}`, init);
      body = await answer.text();
    } catch (error) {
      const cause =
        error instanceof Error
          ? error.cause instanceof Error
            ? `${error.message} (${error.cause.message})`
            : error.message
          : String(error);
      throw new TransportError('network', `Unexpected connection failure: ${cause}`);
    }
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { status: answer.status, headers, body };
  };
}
