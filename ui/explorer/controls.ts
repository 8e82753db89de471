/** Form controls as the explorer's panels use them, each with its test id. */
import { add, el, tid } from '../shared/dom.js';

export function button(text: string, cls: string, testid: string | null, onClick: () => void): HTMLButtonElement {
  const b = el('button', cls || 'btn', text);
  b.type = 'button';
  if (testid) tid(b, testid);
  b.addEventListener('click', onClick);
  return b;
}

export function input(type: 'text' | 'number' | 'checkbox', testid: string, value?: string | number): HTMLInputElement {
  const i = el('input');
  i.type = type;
  if (testid) tid(i, testid);
  if (value !== undefined) i.value = String(value);
  return i;
}

export function checkbox(testid: string, checked: boolean): HTMLInputElement {
  const i = input('checkbox', testid);
  i.checked = checked;
  return i;
}

export function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  return add(el('label'), text, control);
}

/** A select whose options are `values`, each shown as itself. */
export function select(testid: string, values: readonly (string | number)[]): HTMLSelectElement {
  const node = tid(el('select'), testid);
  for (const value of values) {
    const option = el('option', '', String(value));
    option.value = String(value);
    node.appendChild(option);
  }
  return node;
}

/** An element of the page's skeleton that must be of a given kind (a button, an input). */
export function byIdOf<T extends HTMLElement>(id: string, kind: { new (): T; prototype: T }): T {
  const node = document.getElementById(id);
  if (!(node instanceof kind)) throw new Error(`the page has no ${kind.name} #${id}`);
  return node;
}
