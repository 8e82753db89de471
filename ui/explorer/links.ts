/**
 * The network panel: a card per client's link with its fault settings. A card being edited is
 * not refilled from the session until it is applied, so an update does not undo the typing.
 */
import type { LinkFaults } from '../../src/explorer/link-faults.js';
import type { SessionView } from '../../src/explorer/session.js';
import { add, byId, el, tid } from '../shared/dom.js';
import { api } from './api.js';
import { button, input, labelled, select } from './controls.js';
import { quietly, type Explorer } from './explorer.js';

const ERROR_STATUSES = [500, 502, 503, 429, 401];

interface LinkCard {
  readonly node: HTMLElement;
  readonly requests: HTMLElement;
  /** Typed into since it was last filled. */
  dirty: boolean;
  fill(faults: LinkFaults): void;
}

export interface LinksPanel {
  render(view: SessionView): void;
}

export function createLinksPanel(explorer: Explorer): LinksPanel {
  const cards = new Map<string, LinkCard>();
  const panel: LinksPanel = {
    render(view) {
      const box = byId('links');
      const seen = new Set<string>();
      for (const link of view.links) {
        seen.add(link.name);
        let card = cards.get(link.name);
        if (!card) {
          card = linkCard(explorer, link.name, () => panel.render(explorer.state ?? view));
          cards.set(link.name, card);
          box.appendChild(card.node);
        }
        card.requests.textContent = `${link.requests} request${link.requests === 1 ? '' : 's'} so far`;
        if (!card.dirty) card.fill(link.faults);
      }
      for (const [name, card] of cards) {
        if (seen.has(name)) continue;
        box.removeChild(card.node);
        cards.delete(name);
      }
    },
  };
  return panel;
}

function linkCard(explorer: Explorer, name: string, applied: () => void): LinkCard {
  const node = tid(el('div', 'card link'), `link-${name}`);
  const min = input('number', 'latency-min');
  min.min = '0';
  const max = input('number', 'latency-max');
  max.min = '0';
  const err = input('number', 'error-rate');
  err.min = '0';
  err.max = '100';
  const status = select('error-status', ERROR_STATUSES);
  const lost = input('number', 'lost-rate');
  lost.min = '0';
  lost.max = '100';
  const requests = el('span', 'hint');
  const card: LinkCard = {
    node,
    requests,
    dirty: false,
    fill(f) {
      min.value = String(f.latency.minMs);
      max.value = String(f.latency.maxMs);
      err.value = String(Math.round(f.errorRate * 1000) / 10);
      status.value = String(f.errorStatus);
      lost.value = String(Math.round(f.lostResponseRate * 1000) / 10);
    },
  };
  for (const control of [min, max, err, status, lost]) {
    control.addEventListener('input', () => {
      card.dirty = true;
    });
  }
  add(
    node,
    add(el('h4', '', `link ${name} `)),
    requests,
    add(
      el('div', 'row-form'),
      labelled('latency ms', min),
      '–',
      max,
      labelled('errors %', err),
      status,
      labelled('lost answers %', lost),
      button('Apply', 'btn primary', 'apply-faults', () => {
        const faults = {
          latency: { minMs: Number(min.value), maxMs: Number(max.value) },
          errorRate: Number(err.value) / 100,
          errorStatus: Number(status.value),
          lostResponseRate: Number(lost.value) / 100,
        };
        quietly(
          explorer
            .act(() => api.linkFaults(name, faults))
            .then(() => {
              card.dirty = false;
              applied();
            }),
        );
      }),
    ),
  );
  return card;
}
