/**
 * The express 5 front door: real HTTP over the same `handle()` core, with CORS for browser apps.
 * Bodies are read here as raw text (no body parser), so the core sees exactly what was sent.
 *
 * @example
 * import { createBackend } from 'syncwright/backend';
 * import { createApp } from 'syncwright/express';
 * const app = createApp(await createBackend(), { corsOrigins: ['http://localhost:5173'] });
 * app.listen(3000, '127.0.0.1');
 */
import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { HttpHeaders, HttpResponse } from '../protocol/http.js';
import { bodyTooLargeMessage } from '../backend/http-handler.js';
import type { Backend } from '../backend/types.js';

export interface ExpressAppOptions {
  /**
   * Origins allowed to call from a browser: exact origins (`https://app.example.com`) or `*`
   * for any. Default: any — the backend holds test data only.
   */
  corsOrigins?: readonly string[] | '*';
}

const CORS_METHODS = 'GET, HEAD, POST, PATCH, DELETE, OPTIONS';
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~,\s-]*$/;

export function createApp(backend: Backend, options: ExpressAppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  // ETags are the records' versions; express must not invent its own.
  app.set('etag', false);
  app.use(corsMiddleware(options.corsOrigins ?? '*'));
  app.use((req: Request, res: Response, next: NextFunction) => {
    readBody(req, backend.maxBodyBytes).then(
      async ({ body, tooLarge }) => {
        if (tooLarge) return send(res, backend.errorResponse(413, bodyTooLargeMessage(backend.maxBodyBytes)));
        const response = await backend.handle(
          {
            method: req.method,
            url: req.originalUrl,
            headers: flattenHeaders(req.headers),
            ...(body === undefined ? {} : { body }),
          },
          { baseUrl: `${req.protocol}://${req.get('host') ?? 'localhost'}` },
        );
        send(res, isPreflight(req) && response.status >= 300 ? preflightAnswer() : response);
      },
      (error: unknown) => next(error),
    );
  });
  // Last resort (a broken connection mid-body): still the profile's error answer, never express's HTML page.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    const message = error instanceof Error ? error.message : String(error);
    send(res, backend.errorResponse(400, `The request could not be read: ${message}`));
  });
  return app;
}

function isPreflight(req: Request): boolean {
  return (
    req.method === 'OPTIONS' &&
    req.headers.origin !== undefined &&
    req.headers['access-control-request-method'] !== undefined
  );
}

/**
 * A server that takes no OPTIONS itself (ASP.NET Web API) sits behind App Service, whose CORS
 * answers preflights: the front door does the same, so that browser apps still get through.
 */
function preflightAnswer(): HttpResponse {
  return { status: 204, headers: {}, body: '' };
}

/**
 * CORS headers for allowed origins. A preflight goes on to the backend, which answers OPTIONS as
 * its server does (Node's router: 200 with `Allow`), with these headers added.
 */
function corsMiddleware(origins: readonly string[] | '*') {
  const any = origins === '*' || origins.includes('*');
  const allowed = new Set(origins === '*' ? [] : origins);
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    if (origin === undefined || !(any || allowed.has(origin))) return next();
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
    res.setHeader('access-control-expose-headers', 'ETag, Link');
    if (isPreflight(req)) {
      res.setHeader('access-control-allow-methods', CORS_METHODS);
      const requested = req.headers['access-control-request-headers'];
      if (requested !== undefined && HEADER_LIST.test(requested))
        res.setHeader('access-control-allow-headers', requested);
      res.setHeader('access-control-max-age', '600');
    }
    next();
  };
}

/**
 * The body as UTF-8 text, or `undefined` when there is none. Past the limit the rest is read and
 * dropped, so that the client gets the 413 instead of a reset connection. Each chunk is decoded
 * as it comes (a character split between chunks is kept whole), so a large body is never copied
 * into one more Buffer: a long-running server meets many of them, and the C allocator keeps what
 * such copies took long after they are freed.
 */
function readBody(req: IncomingMessage, limit: number): Promise<{ body: string | undefined; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const decoder = new StringDecoder('utf8');
    let text = '';
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        text = '';
      } else {
        text += decoder.write(chunk);
      }
    });
    req.on('end', () => resolve({ body: size === 0 ? undefined : text + decoder.end(), tooLarge }));
    req.on('error', reject);
  });
}

function flattenHeaders(headers: IncomingMessage['headers']): HttpHeaders {
  const result: HttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}

function send(res: Response, response: HttpResponse): void {
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.end(response.body === '' ? undefined : response.body);
}
