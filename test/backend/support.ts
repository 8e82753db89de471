/** Shared helpers for the backend tests: requests as plain data, fresh backends on a manual clock. */
import { createBackend } from '../../src/backend/backend.js';
import type { Backend, BackendOptions } from '../../src/backend/types.js';
import type { HttpRequest, HttpResponse } from '../../src/protocol/http.js';
import { ManualClock } from '../../src/kernel/clock.js';

export const API = { 'zumo-api-version': '2.0.0' } as const;
export const JSON_HEADERS = { ...API, 'content-type': 'application/json' } as const;

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The parsed body, or undefined when it is empty or not JSON (express's HTML 404 page). */
  json: any;
}

export function request(
  method: string,
  url: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): HttpRequest {
  const hasBody = options.body !== undefined || options.rawBody !== undefined;
  return {
    method,
    url,
    headers: { ...(hasBody ? JSON_HEADERS : API), ...options.headers },
    ...(options.rawBody !== undefined
      ? { body: options.rawBody }
      : options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
  };
}

export function parse(response: HttpResponse): Reply {
  return {
    ...response,
    headers: { ...response.headers },
    json:
      response.body === '' || !(response.headers['content-type'] ?? '').startsWith('application/json')
        ? undefined
        : JSON.parse(response.body),
  };
}

export async function send(
  backend: Backend,
  method: string,
  url: string,
  options: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return parse(await backend.handle(request(method, url, options)));
}

export const START = Date.UTC(2026, 0, 1);

export async function newBackend(
  options: BackendOptions & { clock?: ManualClock } = {},
): Promise<{ backend: Backend; clock: ManualClock }> {
  const clock = options.clock ?? new ManualClock(START);
  const backend = await createBackend({ seed: 'test', ...options, clock });
  return { backend, clock };
}
