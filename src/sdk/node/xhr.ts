/**
 * An XMLHttpRequest for Node, over Node's `fetch`, that azure-mobile-apps-client 2.0.1 accepts.
 *
 * What the SDK touches (sources under `sdk/src/`): `'withCredentials' in new XMLHttpRequest()`
 * — without the property it finds no transport and says "Unsupported browser"
 * (Transports/DirectAjaxTransport.js); `open(method, url)`, `setRequestHeader`, `send(data)` and
 * `onreadystatechange` until `readyState === 4` (same file); `status`, where 0 means that no
 * answer came (MobileServiceClient.js, Utilities/Extensions.js, sync/pushError.js); `statusText`
 * and `responseText` (Extensions.js, MobileServiceTable.js); `getResponseHeader` for `ETag`,
 * `Link` and `Content-Type`. The rest of the standard surface an app may use works as in a
 * browser: `timeout`/`ontimeout`, `abort()`, `onload`/`onerror`/`onabort`/`onloadend`,
 * listeners, `getAllResponseHeaders()`. Synchronous requests and binary responses are refused
 * or not offered: the SDK uses neither.
 *
 * A request that gets no answer — refused, reset, timed out, aborted — ends as it does in a
 * browser: readyState 4, status 0, empty body, then an `error`, `timeout` or `abort` event.
 */
import { EventListeners } from '../event-listeners.js';
import { RealClock, type Clock, type TimerHandle } from '../../kernel/clock.js';

export interface NodeXhrOptions {
  /** Runs each network event as a task of the app (default: at once, from the fetch's callback). */
  readonly post?: (task: () => void) => void;
  /** The clock `timeout` counts on. Default: the wall clock. */
  readonly clock?: Clock;
  /** Stops the class (an app that stops): requests in flight are aborted and no event fires again. */
  readonly signal?: AbortSignal;
}

type EventName = 'readystatechange' | 'load' | 'error' | 'abort' | 'timeout' | 'loadend';
type Listener = (this: NodeXMLHttpRequest, event: { type: string; target: NodeXMLHttpRequest }) => unknown;

export interface NodeXMLHttpRequest {
  readonly readyState: number;
  readonly status: number;
  readonly statusText: string;
  readonly responseText: string;
  readonly response: string;
  readonly responseURL: string;
  withCredentials: boolean;
  /** Milliseconds before the request gives up (0: never). */
  timeout: number;
  onreadystatechange: Listener | null;
  onload: Listener | null;
  onerror: Listener | null;
  onabort: Listener | null;
  ontimeout: Listener | null;
  onloadend: Listener | null;
  open(method: string, url: string, async?: boolean): void;
  setRequestHeader(name: string, value: string): void;
  send(body?: unknown): void;
  abort(): void;
  getResponseHeader(name: string): string | null;
  getAllResponseHeaders(): string;
  overrideMimeType(mime: string): void;
  addEventListener(type: string, listener: Listener): void;
  removeEventListener(type: string, listener: Listener): void;
}

export type NodeXMLHttpRequestClass = { new (): NodeXMLHttpRequest; readonly DONE: 4 };

/** The browser's normalisation: only these methods are upper-cased. */
const NORMALISED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[^\0\r\n]*$/;

interface Answer {
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

/** Builds an XMLHttpRequest class; each class may carry its own event scheduling, clock and stop signal. */
export function createNodeXMLHttpRequestClass(options: NodeXhrOptions = {}): NodeXMLHttpRequestClass {
  const post = options.post ?? ((task: () => void) => task());
  const clock = options.clock ?? new RealClock();

  class XMLHttpRequest implements NodeXMLHttpRequest {
    static readonly UNSENT = 0 as const;
    static readonly OPENED = 1 as const;
    static readonly HEADERS_RECEIVED = 2 as const;
    static readonly LOADING = 3 as const;
    static readonly DONE = 4 as const;

    readyState = 0;
    status = 0;
    statusText = '';
    responseText = '';
    responseURL = '';
    withCredentials = false;
    timeout = 0;
    onreadystatechange: Listener | null = null;
    onload: Listener | null = null;
    onerror: Listener | null = null;
    onabort: Listener | null = null;
    ontimeout: Listener | null = null;
    onloadend: Listener | null = null;

    private method = 'GET';
    private url = '';
    private requestHeaders: Record<string, string> = {};
    private responseHeaders: ReadonlyMap<string, string> = new Map();
    private sending = false;
    /** Bumped whenever the request in flight is given up: its late answer is then dropped. */
    private generation = 0;
    private controller: AbortController | undefined;
    private timer: TimerHandle | undefined;
    private readonly listeners = new EventListeners<Listener>();

    get response(): string {
      return this.responseText;
    }

    open(method: string, url: string, async = true): void {
      if (async === false) throw new Error('InvalidAccessError: synchronous XMLHttpRequest is not supported');
      const name = String(method);
      const upper = name.toUpperCase();
      if (!TOKEN.test(name)) throw new Error(`SyntaxError: '${name}' is not a valid HTTP method.`);
      if (FORBIDDEN_METHODS.has(upper)) throw new Error(`SecurityError: '${name}' HTTP method is unsupported.`);
      let parsed: URL;
      try {
        parsed = new URL(String(url));
      } catch {
        throw new Error(
          `SyntaxError: Invalid URL ${JSON.stringify(String(url))}: Node has no page to resolve it against`,
        );
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new Error(`SyntaxError: ${parsed.protocol} URLs are not supported, only http: and https:`);
      parsed.hash = '';
      this.giveUp();
      this.method = NORMALISED_METHODS.has(upper) ? upper : name;
      this.url = parsed.href;
      this.requestHeaders = {};
      this.clearResponse();
      this.setState(1);
    }

    setRequestHeader(name: string, value: string): void {
      if (this.readyState !== 1 || this.sending)
        throw new Error("InvalidStateError: The object's state must be OPENED.");
      const key = String(name).toLowerCase();
      const text = String(value);
      if (!TOKEN.test(key)) throw new Error(`SyntaxError: '${String(name)}' is not a valid HTTP header field name.`);
      if (!HEADER_VALUE.test(text)) throw new Error(`SyntaxError: '${text}' is not a valid HTTP header field value.`);
      const existing = this.requestHeaders[key];
      this.requestHeaders[key] = existing === undefined ? text : `${existing}, ${text}`;
    }

    send(body?: unknown): void {
      if (this.readyState !== 1 || this.sending)
        throw new Error("InvalidStateError: The object's state must be OPENED.");
      this.sending = true;
      const generation = this.generation;
      const controller = new AbortController();
      this.controller = controller;
      const signal =
        options.signal === undefined ? controller.signal : AbortSignal.any([controller.signal, options.signal]);
      const hasBody = body !== null && body !== undefined && this.method !== 'GET' && this.method !== 'HEAD';
      if (this.timeout > 0) {
        this.timer = clock.setTimeout(() => post(() => this.expire(generation)), this.timeout);
      }
      fetchText(this.url, {
        method: this.method,
        headers: { ...this.requestHeaders },
        ...(hasBody ? { body: String(body) } : {}),
        signal,
      }).then(
        (answer) => post(() => this.complete(generation, answer)),
        () => post(() => this.failed(generation)),
      );
    }

    abort(): void {
      const inFlight = this.sending;
      this.giveUp();
      if (inFlight) {
        this.clearResponse();
        this.setState(4);
        this.emit('abort');
        this.emit('loadend');
      }
      this.readyState = 0;
    }

    getResponseHeader(name: string): string | null {
      if (this.readyState < 2 || this.status === 0) return null;
      return this.responseHeaders.get(String(name).toLowerCase()) ?? null;
    }

    getAllResponseHeaders(): string {
      if (this.readyState < 2 || this.status === 0) return '';
      return [...this.responseHeaders.keys()]
        .sort()
        .map((key) => `${key}: ${this.responseHeaders.get(key)}\r\n`)
        .join('');
    }

    overrideMimeType(): void {
      // Bodies are read as text whatever their type.
    }

    addEventListener(type: string, listener: Listener): void {
      this.listeners.add(type, listener);
    }

    removeEventListener(type: string, listener: Listener): void {
      this.listeners.remove(type, listener);
    }

    /** Stops the request in flight, if any; its answer or failure will be ignored. */
    private giveUp(): void {
      this.generation++;
      this.sending = false;
      this.controller?.abort();
      this.controller = undefined;
      if (this.timer !== undefined) clock.clearTimeout(this.timer);
      this.timer = undefined;
    }

    private expire(generation: number): void {
      if (generation !== this.generation || options.signal?.aborted === true) return;
      this.giveUp();
      this.finishWithoutAnswer('timeout');
    }

    private complete(generation: number, answer: Answer): void {
      if (generation !== this.generation || options.signal?.aborted === true) return;
      this.giveUp();
      this.status = answer.status;
      this.statusText = answer.statusText;
      this.responseURL = answer.url;
      this.responseHeaders = answer.headers;
      this.setState(2);
      this.responseText = answer.body;
      this.setState(3);
      this.setState(4);
      this.emit('load');
      this.emit('loadend');
    }

    private failed(generation: number): void {
      if (generation !== this.generation || options.signal?.aborted === true) return;
      this.giveUp();
      this.finishWithoutAnswer('error');
    }

    private finishWithoutAnswer(event: 'error' | 'timeout'): void {
      this.clearResponse();
      this.setState(4);
      this.emit(event);
      this.emit('loadend');
    }

    private clearResponse(): void {
      this.status = 0;
      this.statusText = '';
      this.responseText = '';
      this.responseURL = '';
      this.responseHeaders = new Map();
    }

    private setState(state: number): void {
      this.readyState = state;
      this.emit('readystatechange');
    }

    private emit(type: EventName): void {
      const event = { type, target: this as NodeXMLHttpRequest };
      const handler = this[`on${type}`];
      if (typeof handler === 'function') handler.call(this, event);
      for (const listener of this.listeners.of(type)) listener.call(this, event);
    }
  }

  return XMLHttpRequest;
}

/** One exchange with the whole body read as text; rejects when no complete answer came. */
async function fetchText(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  const body = await response.text();
  const headers = new Map<string, string>();
  response.headers.forEach((value, name) => headers.set(name.toLowerCase(), value));
  return { status: response.status, statusText: response.statusText, url: response.url, headers, body };
}
