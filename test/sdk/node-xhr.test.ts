/**
 * The XMLHttpRequest `syncwright/sdk` gives the real SDK in Node: real HTTP against a small
 * server on 127.0.0.1. Whatever the SDK reads of it — status (0 for no answer), statusText,
 * responseText, response headers, readyState 4 — must be what the server did, or a finding
 * outside the simulator could be the shim's.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { ManualClock } from '../../src/kernel/clock.js';
import {
  createNodeXMLHttpRequestClass,
  type NodeXMLHttpRequest,
  type NodeXMLHttpRequestClass,
} from '../../src/sdk/node/xhr.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
let seen: Seen[];
/** Answers the test has not sent yet (a request that waits, or one to reset). */
let waiting: ServerResponse[];
let route: (req: IncomingMessage, res: ServerResponse, body: string) => void;

beforeEach(async () => {
  seen = [];
  waiting = [];
  route = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', etag: '"v1"', 'x-two': 'a' });
    res.end('{"ok":true}');
  };
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      route(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const res of waiting) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Sends a request and resolves once it reaches readyState 4, with the events it fired. */
function exchange(
  XHR: NodeXMLHttpRequestClass,
  prepare: (xhr: NodeXMLHttpRequest) => void,
  body?: unknown,
): Promise<{ xhr: NodeXMLHttpRequest; events: string[]; states: number[] }> {
  const xhr = new XHR();
  const events: string[] = [];
  const states: number[] = [];
  return new Promise((resolve) => {
    xhr.onreadystatechange = () => void states.push(xhr.readyState);
    for (const type of ['load', 'error', 'abort', 'timeout', 'loadend'])
      xhr.addEventListener(type, () => {
        events.push(type);
        if (type === 'loadend') resolve({ xhr, events, states });
      });
    prepare(xhr);
    xhr.send(body);
  });
}

describe('what the SDK reads', () => {
  test("'withCredentials' is a property, so the SDK's DirectAjaxTransport accepts the class", () => {
    const XHR = createNodeXMLHttpRequestClass();
    expect('withCredentials' in new XHR()).toBe(true);
    expect(XHR.DONE).toBe(4);
  });

  test('an answer: readyState 1 → 2 → 3 → 4, status, statusText, body and headers as the server sent them', async () => {
    const XHR = createNodeXMLHttpRequestClass();
    const { xhr, events, states } = await exchange(XHR, (x) => x.open('GET', `${base}/tables/todoitem?$top=1`));
    expect(states).toEqual([1, 2, 3, 4]);
    expect(events).toEqual(['load', 'loadend']);
    expect([xhr.status, xhr.statusText, xhr.responseText, xhr.response]).toEqual([
      200,
      'OK',
      '{"ok":true}',
      '{"ok":true}',
    ]);
    expect(xhr.getResponseHeader('ETag')).toBe('"v1"');
    expect(xhr.getResponseHeader('Content-Type')).toBe('application/json');
    expect(xhr.getResponseHeader('Link')).toBeNull();
    expect(xhr.getAllResponseHeaders()).toContain('x-two: a\r\n');
    expect(xhr.responseURL).toBe(`${base}/tables/todoitem?$top=1`);
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/tables/todoitem?$top=1', body: '' });
  });

  test('the method, headers and body reach the server as the SDK set them; a GET sends no body', async () => {
    const XHR = createNodeXMLHttpRequestClass();
    await exchange(
      XHR,
      (x) => {
        x.open('PATCH', `${base}/tables/todoitem/a#fragment`);
        x.setRequestHeader('If-Match', '"abc"');
        x.setRequestHeader('X-ZUMO-FEATURES', 'OL');
        x.setRequestHeader('x-zumo-features', 'OC');
        x.setRequestHeader('Content-Type', 'application/json');
      },
      '{"text":"v2"}',
    );
    // `get` is one of the methods a browser upper-cases.
    await exchange(XHR, (x) => x.open('get', `${base}/x`), 'ignored');
    expect(seen[0]!.method).toBe('PATCH');
    expect(seen[0]!.url).toBe('/tables/todoitem/a');
    expect(seen[0]!.headers).toMatchObject({
      'if-match': '"abc"',
      'x-zumo-features': 'OL, OC',
      'content-type': 'application/json',
    });
    expect(seen[0]!.body).toBe('{"text":"v2"}');
    expect(seen[1]).toMatchObject({ method: 'GET', body: '' });
  });

  test('an error status is an answer like any other: load, not error', async () => {
    route = (_req, res) => {
      res.writeHead(412, { etag: '"server"', 'content-type': 'application/json' });
      res.end('{"id":"a","version":"server"}');
    };
    const XHR = createNodeXMLHttpRequestClass();
    const { xhr, events } = await exchange(XHR, (x) => x.open('DELETE', `${base}/tables/todoitem/a`));
    expect(events).toEqual(['load', 'loadend']);
    expect([xhr.status, xhr.statusText, xhr.responseText]).toEqual([
      412,
      'Precondition Failed',
      '{"id":"a","version":"server"}',
    ]);
    expect(xhr.getResponseHeader('etag')).toBe('"server"');
  });
});

describe('no answer is status 0', () => {
  test('a refused connection: readyState 4, status 0, empty body, no headers, an error event', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const XHR = createNodeXMLHttpRequestClass();
    const { xhr, events, states } = await exchange(XHR, (x) => x.open('GET', `http://127.0.0.1:${port}/tables/x`));
    expect(states).toEqual([1, 4]);
    expect(events).toEqual(['error', 'loadend']);
    expect([xhr.status, xhr.statusText, xhr.responseText]).toEqual([0, '', '']);
    expect(xhr.getResponseHeader('etag')).toBeNull();
    expect(xhr.getAllResponseHeaders()).toBe('');
  });

  test('a connection reset after the server read the request is status 0 too (a lost answer)', async () => {
    route = (_req, res) => res.destroy();
    const XHR = createNodeXMLHttpRequestClass();
    const { xhr, events } = await exchange(XHR, (x) => x.open('POST', `${base}/tables/todoitem`), '{}');
    expect(seen).toHaveLength(1);
    expect(events).toEqual(['error', 'loadend']);
    expect(xhr.status).toBe(0);
  });

  test('timeout: the request is given up when the clock says so, with a timeout event; its late answer is dropped', async () => {
    route = (_req, res) => void waiting.push(res);
    const clock = new ManualClock();
    const XHR = createNodeXMLHttpRequestClass({ clock });
    const xhr = new XHR();
    const events: string[] = [];
    for (const type of ['load', 'error', 'timeout', 'loadend'])
      xhr.addEventListener(type, () => void events.push(type));
    xhr.timeout = 1000;
    xhr.open('GET', `${base}/slow`);
    xhr.send();
    await until(() => waiting.length === 1);
    clock.advance(999);
    expect(events).toEqual([]);
    clock.advance(1);
    expect(events).toEqual(['timeout', 'loadend']);
    expect([xhr.readyState, xhr.status]).toEqual([4, 0]);
    waiting[0]!.end('late');
    expect(xhr.responseText).toBe('');
  });

  test('abort(): abort and loadend at once, readyState back to 0, and the answer never arrives', async () => {
    route = (_req, res) => void waiting.push(res);
    const XHR = createNodeXMLHttpRequestClass();
    const xhr = new XHR();
    const events: string[] = [];
    for (const type of ['load', 'error', 'abort', 'loadend']) xhr.addEventListener(type, () => void events.push(type));
    xhr.open('GET', `${base}/slow`);
    xhr.send();
    await until(() => waiting.length === 1);
    const closed = new Promise<void>((resolve) => waiting[0]!.on('close', () => resolve()));
    xhr.abort();
    expect(events).toEqual(['abort', 'loadend']);
    expect([xhr.readyState, xhr.status]).toEqual([0, 0]);
    // The request itself was stopped: the server sees its connection close.
    await closed;
    expect(events).toEqual(['abort', 'loadend']);
  });

  test('a stopped class (its signal aborted) aborts what is in flight and fires nothing again', async () => {
    route = (_req, res) => void waiting.push(res);
    const stop = new AbortController();
    const XHR = createNodeXMLHttpRequestClass({ signal: stop.signal });
    const xhr = new XHR();
    const events: string[] = [];
    xhr.onreadystatechange = () => void events.push(`state ${xhr.readyState}`);
    xhr.open('GET', `${base}/slow`);
    xhr.send();
    await until(() => waiting.length === 1);
    const closed = new Promise<void>((resolve) => waiting[0]!.on('close', () => resolve()));
    stop.abort();
    await closed;
    expect(events).toEqual(['state 1']);
  });
});

describe('events are tasks of the app', () => {
  test('every network event is delivered through post', async () => {
    const posted: (() => void)[] = [];
    const XHR = createNodeXMLHttpRequestClass({ post: (task) => void posted.push(task) });
    const xhr = new XHR();
    let done = false;
    xhr.onreadystatechange = () => {
      if (xhr.readyState === 4) done = true;
    };
    xhr.open('GET', `${base}/x`);
    xhr.send();
    await until(() => posted.length === 1);
    expect(done).toBe(false);
    posted[0]!();
    expect([done, xhr.status]).toEqual([true, 200]);
  });
});

describe('misuse is refused as a browser refuses it', () => {
  const XHR = createNodeXMLHttpRequestClass();

  test.each([
    ['a relative URL (Node has no page)', () => new XHR().open('GET', '/tables/todoitem'), /Invalid URL/],
    ['a file: URL', () => new XHR().open('GET', 'file:///etc/passwd'), /only http: and https:/],
    ['a synchronous request', () => new XHR().open('GET', 'http://127.0.0.1/', false), /synchronous/],
    ['a method that is not a token', () => new XHR().open('GE T', 'http://127.0.0.1/'), /not a valid HTTP method/],
    ['CONNECT', () => new XHR().open('CONNECT', 'http://127.0.0.1/'), /unsupported/],
    ['a header before open()', () => new XHR().setRequestHeader('a', 'b'), /must be OPENED/],
    ['send() before open()', () => new XHR().send(), /must be OPENED/],
  ])('%s', (_name, act, message) => {
    expect(act).toThrow(message);
  });

  test('a header value with a line break, a header name with a space, and a second send()', async () => {
    const xhr = new XHR();
    xhr.open('GET', `${base}/x`);
    expect(() => xhr.setRequestHeader('x-a', 'b\r\nInjected: yes')).toThrow(/not a valid HTTP header field value/);
    expect(() => xhr.setRequestHeader('x a', 'b')).toThrow(/not a valid HTTP header field name/);
    const done = new Promise<void>((resolve) => xhr.addEventListener('loadend', () => resolve()));
    xhr.send();
    expect(() => xhr.send()).toThrow(/must be OPENED/);
    await done;
    expect(seen[0]!.headers['injected']).toBeUndefined();
  });
});

/** A bounded wait for something the server side does (no fixed sleeps). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('the condition never held');
}
