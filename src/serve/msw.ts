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
 */
import { http, HttpResponse as MswHttpResponse, type HttpHandler } from 'msw';
import type { HttpHeaders } from '../protocol/http.js';
import type { Backend } from '../backend/types.js';

export interface MswHandlerOptions {
  /** Where the app thinks its backend lives, e.g. `https://myapp.azurewebsites.net` (a path prefix is allowed). */
  baseUrl: string;
}

export function createHandlers(backend: Backend, options: MswHandlerOptions): HttpHandler[] {
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
    const response = await backend.handle(
      { method: request.method, url: `${path}${url.search}`, headers, ...(text === '' ? {} : { body: text }) },
      { baseUrl: url.origin + prefix },
    );
    const empty = response.body === '' || response.status === 204 || response.status === 304;
    return new MswHttpResponse(empty ? null : response.body, { status: response.status, headers: response.headers });
  };
  return [http.all(`${base}/tables`, resolver), http.all(`${base}/tables/*`, resolver)];
}
