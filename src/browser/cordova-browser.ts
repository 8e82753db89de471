/**
 * `syncwright/cordova-browser`: an unmodified Cordova `www/` in a browser. Requests for the
 * app's files are answered from `www/`; the files a Cordova build adds beside them — `cordova.js`,
 * `cordova_plugins.js` and `plugins/…` — from the platform syncwright builds
 * (scripts/build-cordova.mjs, into dist/cordova-browser/): the SDK bundled from its own sources,
 * the sqlite plugin over sql.js persisted in IndexedDB, and the recorder plugin the Playwright
 * fixture listens to. Nothing of `www/` is rewritten.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the build put the platform files (the same path from src/ under vitest and from dist/). */
export const PLATFORM_DIR = fileURLToPath(new URL('../../dist/cordova-browser/', import.meta.url));

/** The files a Cordova build adds to `www/`: these win over a `www/` file of the same name. */
const PLATFORM_PATHS = /^(?:cordova\.js|cordova_plugins\.js|plugins\/.*)$/;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml',
};

export interface CordovaFile {
  readonly status: 200 | 400 | 404;
  readonly contentType: string;
  readonly body: Buffer;
}

/** Thrown when the platform was never built. */
export class CordovaPlatformMissingError extends Error {
  constructor(dir: string) {
    super(`${dir}: expected the Cordova browser platform (cordova.js, plugins/), found nothing: run npm run build`);
  }
}

export interface CordovaAppOptions {
  /** The app's `www/` folder. */
  readonly www: string;
  /** Another build of the platform files (default: this package's dist/cordova-browser/). */
  readonly platformDir?: string;
}

/**
 * The answer to a GET of `pathname` (URL-encoded, as in a request line): the file, or a 404 /
 * 400 that names what was asked. A path that climbs out of its folder is refused.
 */
export async function readCordovaFile(options: CordovaAppOptions, pathname: string): Promise<CordovaFile> {
  const platformDir = options.platformDir ?? PLATFORM_DIR;
  if (!existsSync(path.join(platformDir, 'cordova.js'))) throw new CordovaPlatformMissingError(platformDir);
  let relative: string;
  try {
    relative = decodeURIComponent(pathname.split(/[?#]/, 1)[0]!).replace(/^\/+/, '');
  } catch {
    return problem(400, 'the path is not valid URL encoding');
  }
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';
  if (relative.includes('\0') || relative.split(/[\\/]/).some((segment) => segment === '..'))
    return problem(400, 'the path climbs out of the app folder');
  const root = PLATFORM_PATHS.test(relative) ? platformDir : options.www;
  const file = path.resolve(root, relative);
  if (!file.startsWith(path.resolve(root) + path.sep)) return problem(400, 'the path climbs out of the app folder');
  try {
    if (!(await stat(file)).isFile()) return problem(404, `no file ${shown(relative)}`);
    const body = await readFile(file);
    return { status: 200, contentType: contentTypeOf(file), body };
  } catch {
    return problem(404, `no file ${shown(relative)}`);
  }
}

/** The Content-Type a file is served with, by its extension. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function problem(status: 400 | 404, message: string): CordovaFile {
  return { status, contentType: 'text/plain; charset=utf-8', body: Buffer.from(`${message}\n`) };
}

function shown(text: string): string {
  const quoted = JSON.stringify(text);
  return quoted.length > 80 ? `${quoted.slice(0, 77)}...` : quoted;
}

export interface RunningCordovaApp {
  /** `http://127.0.0.1:<port>/`: open `index.html` there. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the app and its platform over HTTP on 127.0.0.1 (for a person at a browser; the
 * Playwright fixture answers the page's requests itself and needs no server).
 */
export async function startCordovaApp(options: CordovaAppOptions & { port?: number }): Promise<RunningCordovaApp> {
  const platformDir = options.platformDir ?? PLATFORM_DIR;
  if (!existsSync(path.join(platformDir, 'cordova.js'))) throw new CordovaPlatformMissingError(platformDir);
  if (!existsSync(path.join(options.www, 'index.html')))
    throw new Error(`${options.www}: expected a Cordova www/ folder with index.html, found none`);
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    readCordovaFile(options, req.url ?? '/').then(
      (file) => {
        res.writeHead(file.status, {
          'content-type': file.contentType,
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
        });
        res.end(req.method === 'HEAD' ? undefined : file.body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
