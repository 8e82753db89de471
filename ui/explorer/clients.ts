/** The clients' cards in the session's order, the server's card always last. */
import type { SessionView } from '../../src/explorer/session.js';
import { byId } from '../shared/dom.js';
import { createClientCard, type ClientCard } from './client-card.js';
import type { Explorer } from './explorer.js';
import type { ServerCard } from './server-card.js';

export interface ClientsPanel {
  render(view: SessionView): void;
}

export function createClientsPanel(explorer: Explorer, server: ServerCard): ClientsPanel {
  const cards = new Map<string, ClientCard>();
  return {
    render(view) {
      const box = byId('clients');
      const seen = new Set<string>();
      const wanted: HTMLElement[] = [];
      for (const client of view.clients) {
        seen.add(client.name);
        let card = cards.get(client.name);
        if (!card) {
          card = createClientCard(explorer, client.name);
          cards.set(client.name, card);
        }
        card.render(client);
        wanted.push(card.node);
      }
      for (const [name, card] of cards) {
        if (seen.has(name)) continue;
        card.forget();
        cards.delete(name);
      }
      wanted.push(server.node);
      // Cards move rather than being drawn anew, so what is typed into them survives a change.
      wanted.forEach((node, i) => {
        if (box.children[i] !== node) box.insertBefore(node, box.children[i] || null);
      });
      while (box.children.length > wanted.length && box.lastChild) box.removeChild(box.lastChild);
      server.render(view);
    },
  };
}
