/**
 * The msw 2 front door: request handlers that answer `fetch` calls to `<baseUrl>/tables…` from
 * the simulated backend, for a team's own tests. Other URLs under the same base are left alone.
 *
 * @example
 * import { setupServer } from 'msw/node';
 * import { createBackend } from 'syncwright/backend';
 * import { createHandlers } from 'syncwright/msw';
 * const server = setupServer(...createHandlers(await createBackend(), { baseUrl: 'https://myapp.azurewebsites.net' }));
 * server.listen();
 *
 * With `faults` (the options `syncwright serve` takes, checked the same way) every request
 * crosses serve's faulty link first: a lost answer or a dropped connection reaches the app as a
 * network error (`fetch` rejects), an error status as that answer. `seed` makes the chances
 * repeat run after run.
 */
import { http, HttpResponse as MswHttpResponse, type HttpHandler } from 'msw';
import { TransportError, type HttpHeaders, type HttpRequest, type HttpResponse } from '../protocol/http.js';
import type { Backend, HandleOptions } from '../backend/types.js';
import { ServeTraffic, type ServeFaults } from './serve-faults.js';

export interface MswHandlerOptions {
  /** Where the app thinks its backend lives, e.g. `https://myapp.azurewebsites.net` (a path prefix is allowed). */
  baseUrl: string;
  /**
   * Faults on every request the handlers answer, as `syncwright serve` takes them: latency,
   * error and lost-answer rates, offline, a fault plan. A request naming its device in
   * `X-Syncwright-Client` crosses that device's own link, as on serve. Default: none.
   */
  faults?: ServeFaults;
  /** Seeds the faults' chances, so that the same requests meet the same faults each run. Default: fresh each time. */
  seed?: string;
}

/** @throws FaultPlanError for `faults` that `syncwright serve` would refuse. */
export function createHandlers(backend: Backend, options: MswHandlerOptions): HttpHandler[] {
  const handle = handlerOf(backend, options);
  const base = options.baseUrl.replace(/\/+$/, '');
  const prefix = new URL(base).pathname.replace(/\/+$/, '');
  const resolver = async ({ request }: { request: Request }): Promise<Response> => {
    const url = new URL(request.url);
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname;
    const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
    const headers: HttpHeaders = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    let response: HttpResponse;
    try {
      response = await handle(
        { method: request.method, url: `${path}${url.search}`, headers, ...(text === '' ? {} : { body: text }) },
        { baseUrl: url.origin + prefix },
      );
    } catch (error) {
      if (error instanceof TransportError) return MswHttpResponse.error();
      throw error;
    }
    const empty = response.body === '' || response.status === 204 || response.status === 304;
    return new MswHttpResponse(empty ? null : response.body, { status: response.status, headers: response.headers });
  };
  return [http.all(`${base}/tables`, resolver), http.all(`${base}/tables/*`, resolver)];
}

/** The backend's `handle`, across serve's faulty link when there are faults. */
function handlerOf(
  backend: Backend,
  options: MswHandlerOptions,
): (request: HttpRequest, handleOptions: HandleOptions) => Promise<HttpResponse> {
  if (options.faults === undefined) return (request, handleOptions) => backend.handle(request, handleOptions);
  const traffic = new ServeTraffic(
    () => backend,
    options.faults,
    options.seed !== undefined ? { seed: options.seed } : {},
  );
  return (request, handleOptions) => traffic.handle(request, handleOptions);
}
