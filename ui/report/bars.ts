/**
 * A small column chart from plain elements: each bar's height is set through the CSSOM (the
 * page's CSP allows no inline style attribute, and the page loads nothing, not even a namespace).
 */
import { add, el } from '../shared/dom.js';

export interface Bar {
  /** 0…1 of the chart's height. */
  readonly share: number;
  readonly label: string;
  readonly title: string;
  readonly cls: string;
}

export function barChart(bars: readonly Bar[], top: string, axis: string): HTMLElement {
  const chart = el('div', 'bar-chart');
  chart.setAttribute('role', 'img');
  chart.setAttribute('aria-label', bars.map((bar) => bar.title).join('; '));
  const plot = el('div', 'bar-plot');
  for (const bar of bars) {
    const column = el('div', 'bar-column');
    const fill = el('div', `bar ${bar.cls}`);
    fill.style.height = `${Math.max(1, Math.round(Math.min(1, Math.max(0, bar.share)) * 100))}%`;
    fill.title = bar.title;
    add(column, fill);
    plot.appendChild(column);
  }
  const labels = el('div', 'bar-labels');
  for (const bar of bars) labels.appendChild(el('span', 'bar-label', bar.label));
  add(chart, el('div', 'bar-top', top), plot, add(labels), el('div', 'bar-axis', axis));
  return chart;
}
