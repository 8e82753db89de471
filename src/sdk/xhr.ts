/**
 * An XMLHttpRequest for the SDK's sandbox whose only way out is a {@link Transport}.
 *
 * The SDK talks HTTP through `DirectAjaxTransport` (`new global.XMLHttpRequest()`,
 * `onreadystatechange`, `status`, `responseText`, `getResponseHeader`), so replacing the class
 * keeps every request — sync, custom APIs, anything a filter adds — visible to the transport.
 * (The other seam, `client.withFilter`, returns a *new* client with a new sync context, and the
 * SDK can bypass filters with `ignoreFilters`.)
 *
 * A request that gets no answer ends the way it does in a browser: readyState 4 with status 0,
 * empty body, `onerror`. The SDK reads status 0 as "Unexpected connection failure."
 */
import { EventListeners } from './event-listeners.js';
import {
  isTransportError,
  reasonPhrase,
  type HttpHeaders,
  type HttpRequest,
  type HttpResponse,
  type Transport,
  type TransportFailureKind,
} from '../protocol/http.js';
import type { SdkMutations } from './mutations.js';
import { processCaches } from '../kernel/process-caches.js';

export interface XhrOptions {
  readonly transport: Transport;
  /** The URL relative URLs resolve against (the app's page). */
  readonly baseUrl: string;
  /** Delivers a network event to the app as a task of its own (the response arriving). */
  readonly post: (task: () => void) => void;
  /** A transport that rejected with something other than a TransportError: a bug, reported. */
  readonly onTransportBug?: (error: unknown) => void;
  /** Deliberate bugs of this shim (the harness self-test); none by default. */
  readonly mutations?: SdkMutations;
}

type XhrEventName = 'readystatechange' | 'load' | 'error' | 'abort' | 'loadend';
type Listener = (this: SimXMLHttpRequest, event: { type: string; target: SimXMLHttpRequest }) => unknown;

/** The browser's normalisation: only these methods are upper-cased. */
const NORMALISED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

/** Resolved URLs by (base, URL): the SDK requests the same few URLs over and over. */
const resolvedUrls = new Map<string, { readonly href: string; readonly path: string }>();
const MAX_RESOLVED_URLS = 1024;
processCaches.register('xhr resolved urls', resolvedUrls);

/** The URL without its fragment, and the path a server sees in its request line (the transport speaks paths). */
function resolveUrl(url: string, base: string): { readonly href: string; readonly path: string } {
  const key = `${base}\u0000${url}`;
  let resolved = resolvedUrls.get(key);
  if (resolved === undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url, base);
    } catch {
      throw new Error(`SyntaxError: Failed to execute 'open' on 'XMLHttpRequest': Invalid URL`);
    }
    parsed.hash = '';
    resolved = { href: parsed.href, path: parsed.pathname + parsed.search };
    if (resolvedUrls.size >= MAX_RESOLVED_URLS) resolvedUrls.clear();
    resolvedUrls.set(key, resolved);
  }
  return resolved;
}

export interface SimXMLHttpRequest {
  readonly readyState: number;
  readonly status: number;
  readonly statusText: string;
  readonly responseText: string;
  readonly response: string;
  readonly responseURL: string;
  withCredentials: boolean;
  timeout: number;
  responseType: string;
  onreadystatechange: Listener | null;
  onload: Listener | null;
  onerror: Listener | null;
  onabort: Listener | null;
  onloadend: Listener | null;
  /** syncwright: the request as handed to the transport (after send). */
  readonly sentRequest: HttpRequest | undefined;
  /** syncwright: why no answer came, when none did. */
  readonly failure: TransportFailureKind | 'bug' | undefined;
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

export type SimXMLHttpRequestClass = {
  new (): SimXMLHttpRequest;
  readonly UNSENT: 0;
  readonly OPENED: 1;
  readonly HEADERS_RECEIVED: 2;
  readonly LOADING: 3;
  readonly DONE: 4;
};

/**
 * One class for every app instance: each app's constructor ({@link createXMLHttpRequestClass})
 * makes objects of it. A class per app gave each app's requests a shape of their own, and the
 * shim's property accesses went megamorphic after a few hundred apps.
 */
class SimXhr implements SimXMLHttpRequest {
  readyState = 0;
  status = 0;
  statusText = '';
  responseText = '';
  responseURL = '';
  withCredentials = false;
  timeout = 0;
  responseType = '';
  onreadystatechange: Listener | null = null;
  onload: Listener | null = null;
  onerror: Listener | null = null;
  onabort: Listener | null = null;
  onloadend: Listener | null = null;
  sentRequest: HttpRequest | undefined;
  failure: TransportFailureKind | 'bug' | undefined;

  private method = 'GET';
  private url = '';
  private absoluteUrl = '';
  private requestHeaders: Record<string, string> = {};
  private responseHeaders: HttpHeaders = {};
  private sendFlag = false;
  /** Bumped by open/abort so that a late answer to an earlier request is dropped. */
  private generation = 0;
  private readonly listeners = new EventListeners<Listener>();

  constructor(private readonly options: XhrOptions) {}

  get response(): string {
    return this.responseText;
  }

  open(method: string, url: string, async = true): void {
    if (async === false) throw new Error('InvalidAccessError: synchronous XMLHttpRequest is not supported here');
    const upper = String(method).toUpperCase();
    if (FORBIDDEN_METHODS.has(upper)) throw new Error(`SecurityError: '${method}' HTTP method is unsupported.`);
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(String(method)))
      throw new Error(`SyntaxError: '${method}' is not a valid HTTP method.`);
    const target = resolveUrl(String(url), this.options.baseUrl);
    this.generation++;
    this.method = NORMALISED_METHODS.has(upper) ? upper : String(method);
    this.absoluteUrl = target.href;
    this.url = target.path;
    this.requestHeaders = {};
    this.responseHeaders = {};
    this.sendFlag = false;
    this.status = 0;
    this.statusText = '';
    this.responseText = '';
    this.responseURL = '';
    this.sentRequest = undefined;
    this.failure = undefined;
    this.setState(1);
  }

  setRequestHeader(name: string, value: string): void {
    if (this.readyState !== 1 || this.sendFlag)
      throw new Error("InvalidStateError: The object's state must be OPENED.");
    const key = String(name).toLowerCase();
    const text = String(value);
    const existing = this.requestHeaders[key];
    this.requestHeaders[key] = existing === undefined ? text : `${existing}, ${text}`;
  }

  send(body?: unknown): void {
    if (this.readyState !== 1 || this.sendFlag)
      throw new Error("InvalidStateError: The object's state must be OPENED.");
    this.sendFlag = true;
    const hasBody = body !== null && body !== undefined && this.method !== 'GET' && this.method !== 'HEAD';
    const headers = { ...this.requestHeaders };
    if (this.options.mutations?.has('xhr-drops-if-match') === true) delete headers['if-match'];
    const request: HttpRequest = hasBody
      ? { method: this.method, url: this.url, headers, body: String(body) }
      : { method: this.method, url: this.url, headers };
    this.sentRequest = request;
    const generation = this.generation;
    const { transport, post, onTransportBug } = this.options;
    let answer: Promise<HttpResponse>;
    try {
      answer = transport(request);
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (response) => post(() => this.complete(generation, response)),
      (error: unknown) => {
        if (!isTransportError(error)) onTransportBug?.(error);
        post(() => this.fail(generation, isTransportError(error) ? error.kind : 'bug'));
      },
    );
  }

  abort(): void {
    this.generation++;
    if ((this.readyState === 1 && this.sendFlag) || this.readyState === 2 || this.readyState === 3) {
      this.sendFlag = false;
      this.status = 0;
      this.statusText = '';
      this.responseText = '';
      this.setState(4);
      this.emit('abort');
      this.emit('loadend');
    }
    this.readyState = 0;
  }

  getResponseHeader(name: string): string | null {
    if (this.readyState < 2 || this.status === 0) return null;
    return this.responseHeaders[String(name).toLowerCase()] ?? null;
  }

  getAllResponseHeaders(): string {
    if (this.readyState < 2 || this.status === 0) return '';
    return Object.keys(this.responseHeaders)
      .sort()
      .map((key) => `${key}: ${this.responseHeaders[key]}\r\n`)
      .join('');
  }

  overrideMimeType(): void {
    // Bodies are text already.
  }

  addEventListener(type: string, listener: Listener): void {
    this.listeners.add(type, listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    this.listeners.remove(type, listener);
  }

  private complete(generation: number, response: HttpResponse): void {
    if (generation !== this.generation) return;
    this.sendFlag = false;
    this.status = response.status;
    this.statusText = reasonPhrase(response.status);
    this.responseHeaders = lowerCaseKeys(response.headers);
    this.responseURL = this.absoluteUrl;
    this.setState(2);
    this.responseText = response.body;
    this.setState(3);
    this.setState(4);
    this.emit('load');
    this.emit('loadend');
  }

  private fail(generation: number, kind: TransportFailureKind | 'bug'): void {
    if (generation !== this.generation) return;
    this.sendFlag = false;
    this.failure = kind;
    this.status = 0;
    this.statusText = '';
    this.responseText = '';
    this.responseHeaders = {};
    this.setState(4);
    this.emit('error');
    this.emit('loadend');
  }

  private setState(state: number): void {
    this.readyState = state;
    this.emit('readystatechange');
  }

  private emit(type: XhrEventName): void {
    const event = { type, target: this as SimXMLHttpRequest };
    const handler = this[`on${type}`];
    if (typeof handler === 'function') handler.call(this, event);
    for (const listener of this.listeners.of(type)) listener.call(this, event);
  }
}

/** Builds the XMLHttpRequest constructor one app instance sees (the SDK calls `new XMLHttpRequest()`). */
export function createXMLHttpRequestClass(options: XhrOptions): SimXMLHttpRequestClass {
  function XMLHttpRequest(): SimXMLHttpRequest {
    // A constructor that returns an object: `new` gives that object.
    return new SimXhr(options);
  }
  // instanceof XMLHttpRequest holds for what it makes.
  XMLHttpRequest.prototype = SimXhr.prototype;
  return Object.assign(XMLHttpRequest, {
    UNSENT: 0,
    OPENED: 1,
    HEADERS_RECEIVED: 2,
    LOADING: 3,
    DONE: 4,
  } as const) as unknown as SimXMLHttpRequestClass;
}

function lowerCaseKeys(headers: HttpHeaders): HttpHeaders {
  const result: HttpHeaders = {};
  for (const [key, value] of Object.entries(headers)) result[key.toLowerCase()] = value;
  return result;
}
