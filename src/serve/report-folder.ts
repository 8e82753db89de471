/**
 * `syncwright show-report`'s server: the files of one report folder, read-only, on loopback. A
 * report is self-contained and needs no server; this one exists because browsers treat `file://`
 * pages warily (clipboard, some extensions) and a URL is easier to hand to a colleague's tunnel.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export interface ReportFolderServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** Report files are megabytes at most; a bigger file in the folder is not the report's. */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** Serves `dir` on 127.0.0.1 (port 0: a free one). Only GET and HEAD, only files inside `dir`. */
export async function serveReportFolder(options: { dir: string; port: number }): Promise<ReportFolderServer> {
  const root = await realpath(options.dir);
  const server = createServer((request, response) => {
    void answer(root, request, response).catch(() => send(response, 500, 'cannot read the file'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
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

async function answer(root: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    send(response, 405, 'only GET and HEAD');
    return;
  }
  let name: string;
  try {
    name = decodeURIComponent(new URL(request.url ?? '/', 'http://report.invalid').pathname);
  } catch {
    send(response, 400, 'malformed path');
    return;
  }
  if (name.includes('\0')) {
    send(response, 400, 'malformed path');
    return;
  }
  if (name.endsWith('/')) name += 'index.html';
  const file = await insideRoot(root, path.join(root, path.normalize(name)));
  const info = file === null ? null : await stat(file).catch(() => null);
  if (file === null || info === null || !info.isFile() || info.size > MAX_FILE_BYTES) {
    send(response, 404, 'not found');
    return;
  }
  const body = request.method === 'HEAD' ? null : await readFile(file);
  response.writeHead(200, {
    'Content-Type': TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(info.size),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  });
  response.end(body);
}

/** The file's real path if it lies inside the root (symbolic links followed), else null. */
async function insideRoot(root: string, candidate: string): Promise<string | null> {
  const real = await realpath(candidate).catch(() => null);
  if (real === null) return null;
  return real === root || real.startsWith(`${root}${path.sep}`) ? real : null;
}

function send(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  response.end(`${text}\n`);
}
