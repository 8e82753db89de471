import { describe, expect, test } from 'vitest';
import { TransportError, type HttpRequest, type HttpResponse } from '../../src/protocol/http.js';
import { createXMLHttpRequestClass } from '../../src/sdk/xhr.js';

/** The XHR class over a transport the test answers by hand; tasks run when `flush` is awaited. */
function setup(answer: (request: HttpRequest) => Promise<HttpResponse>) {
  const tasks: (() => void)[] = [];
  const bugs: unknown[] = [];
  const requests: HttpRequest[] = [];
  const XMLHttpRequest = createXMLHttpRequestClass({
    transport: (request) => {
      requests.push(request);
      return answer(request);
    },
    baseUrl: 'https://app.example.com/',
    post: (task) => tasks.push(task),
    onTransportBug: (error) => bugs.push(error),
  });
  const flush = async (): Promise<void> => {
    // Let the transport's promise settle, then run the delivered network events.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    while (tasks.length > 0) tasks.shift()!();
  };
  return { XMLHttpRequest, flush, bugs, requests };
}

const ok: HttpResponse = {
  status: 201,
  headers: { 'content-type': 'application/json', etag: '"v1"' },
  body: '{"id":"a"}',
};

describe('the XMLHttpRequest shim', () => {
  test('a request reaches the transport as a path, with lower-cased headers and the body', async () => {
    const { XMLHttpRequest, flush, requests } = setup(async () => ok);
    const xhr = new XMLHttpRequest();
    expect('withCredentials' in xhr).toBe(true);
    xhr.open('post', "https://backend.test/tables/todoitem?$filter=text eq 'a b'#frag");
    xhr.setRequestHeader('ZUMO-API-VERSION', '2.0.0');
    xhr.setRequestHeader('X-Custom', 'one');
    xhr.setRequestHeader('x-custom', 'two');
    xhr.send('{"text":"a"}');
    await flush();
    expect(requests).toEqual([
      {
        method: 'POST',
        url: '/tables/todoitem?$filter=text%20eq%20%27a%20b%27',
        headers: { 'zumo-api-version': '2.0.0', 'x-custom': 'one, two' },
        body: '{"text":"a"}',
      },
    ]);
  });

  test('the answer is delivered as a task: readyState 4, status, text and headers (case-insensitive)', async () => {
    const { XMLHttpRequest, flush } = setup(async () => ok);
    const xhr = new XMLHttpRequest();
    const states: number[] = [];
    xhr.onreadystatechange = () => void states.push(xhr.readyState);
    xhr.open('GET', '/tables/todoitem');
    xhr.send(null);
    expect(states).toEqual([1]);
    await flush();
    expect(states).toEqual([1, 2, 3, 4]);
    expect(xhr.status).toBe(201);
    expect(xhr.statusText).toBe('Created');
    expect(xhr.responseText).toBe('{"id":"a"}');
    expect(xhr.getResponseHeader('ETag')).toBe('"v1"');
    expect(xhr.getResponseHeader('Link')).toBeNull();
    expect(xhr.getAllResponseHeaders()).toBe('content-type: application/json\r\netag: "v1"\r\n');
  });

  test('no answer (a TransportError) ends like a failed browser request: status 0, empty body, onerror', async () => {
    const { XMLHttpRequest, flush, bugs } = setup(async () => {
      throw new TransportError('lost-response', 'the answer was lost');
    });
    const xhr = new XMLHttpRequest();
    const events: string[] = [];
    xhr.onreadystatechange = () => void events.push(`state ${xhr.readyState}`);
    xhr.onerror = () => void events.push('error');
    xhr.onload = () => void events.push('load');
    xhr.open('PATCH', '/tables/todoitem/a');
    xhr.send('{}');
    await flush();
    expect(events).toEqual(['state 1', 'state 4', 'error']);
    expect(xhr.status).toBe(0);
    expect(xhr.responseText).toBe('');
    expect(xhr.getResponseHeader('content-type')).toBeNull();
    expect(xhr.failure).toBe('lost-response');
    expect(bugs).toEqual([]);
  });

  test('a transport that rejects with something else is reported as a bug and still looks like a network failure', async () => {
    const { XMLHttpRequest, flush, bugs } = setup(async () => {
      throw new RangeError('broken transport');
    });
    const xhr = new XMLHttpRequest();
    xhr.open('GET', '/tables/todoitem');
    xhr.send();
    await flush();
    expect(xhr.readyState).toBe(4);
    expect(xhr.status).toBe(0);
    expect(xhr.failure).toBe('bug');
    expect(bugs).toEqual([new RangeError('broken transport')]);
  });

  test('an aborted request ignores its late answer', async () => {
    const { XMLHttpRequest, flush } = setup(async () => ok);
    const xhr = new XMLHttpRequest();
    let aborted = 0;
    xhr.onabort = () => void aborted++;
    xhr.open('GET', '/tables/todoitem');
    xhr.send();
    xhr.abort();
    await flush();
    expect(aborted).toBe(1);
    expect(xhr.status).toBe(0);
    expect(xhr.readyState).toBe(0);
  });

  test("bad use is refused with the browser's errors", () => {
    const { XMLHttpRequest } = setup(async () => ok);
    const xhr = new XMLHttpRequest();
    expect(() => xhr.send()).toThrow(/InvalidStateError/);
    expect(() => xhr.setRequestHeader('a', 'b')).toThrow(/InvalidStateError/);
    expect(() => xhr.open('GET', 'http://[::1')).toThrow(/Invalid URL/);
    expect(() => xhr.open('TRACE', '/x')).toThrow(/SecurityError/);
    expect(() => xhr.open('GE T', '/x')).toThrow(/not a valid HTTP method/);
    expect(() => xhr.open('GET', '/x', false)).toThrow(/synchronous/);
  });

  test('GET bodies are dropped, as browsers do', async () => {
    const { XMLHttpRequest, flush, requests } = setup(async () => ok);
    const xhr = new XMLHttpRequest();
    xhr.open('GET', '/tables/todoitem');
    xhr.send('ignored');
    await flush();
    expect(requests[0]!.body).toBeUndefined();
  });
});
