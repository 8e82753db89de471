/** Small SVG charts, built as DOM (attributes only: the page's CSP allows no inline style). */
const NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  cls?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (cls) node.setAttribute('class', cls);
  return node;
}

export function svgText(x: number, y: number, text: string, cls = 'chart-label'): SVGTextElement {
  const node = svg('text', { x, y }, cls);
  node.textContent = text;
  return node;
}
