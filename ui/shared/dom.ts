/**
 * Building DOM for both pages, text only: run data becomes `textContent` or a text node, never
 * markup, an href or an event-handler attribute, so hostile data in a record shows as text.
 */

/** What `el` writes as text: absent values write nothing, the rest goes through `String`. */
export type TextValue = string | number | boolean | null | undefined;

/** A child for `add`: a node, text, or nothing (so a child can be written `cond ? node : null`). */
export type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls?: string,
  text?: TextValue,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function add<T extends Node>(parent: T, ...children: Child[]): T {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return parent;
}

/** Marks a node for the browser tests. */
export function tid<T extends Element>(node: T, id: string | number): T {
  node.setAttribute('data-testid', String(id));
  return node;
}

export function clear<T extends Node>(node: T): T {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** An own property only: run data may name a key `__proto__` or `constructor`. */
export function has(obj: unknown, key: string): boolean {
  return obj !== null && typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, key);
}

export function keysOf(obj: object | null | undefined): string[] {
  return obj !== null && typeof obj === 'object' ? Object.keys(obj) : [];
}

/** An element the page's skeleton carries; its absence is a bug in the skeleton, not in the data. */
export function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node;
}
