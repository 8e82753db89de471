/** The server's card: its rows (soft-deleted ones too), and `editor-1` writing as another user. */
import type { SessionView } from '../../src/explorer/session.js';
import type { JsonObject } from '../../src/protocol/records.js';
import { add, byId, clear, el } from '../shared/dom.js';
import { api } from './api.js';
import { button, checkbox, input, labelled } from './controls.js';
import { mainTable, quietly, type Explorer } from './explorer.js';
import { recordsTable } from './records-table.js';

const EDITOR = 'editor-1';

export interface ServerCard {
  readonly node: HTMLElement;
  render(view: SessionView): void;
}

export function createServerCard(explorer: Explorer): ServerCard {
  const node = byId('server');
  /** The id of the row being edited. */
  let editing: string | null = null;
  let parts: { readonly rows: HTMLElement; readonly edit: HTMLElement } | null = null;
  const state = () => {
    if (!explorer.state) throw new Error('no session state yet');
    return explorer.state;
  };

  /** The card's frame, drawn once: what is typed into its insert form survives updates. */
  function frame(): { readonly rows: HTMLElement; readonly edit: HTMLElement } {
    if (parts) return parts;
    const made = { rows: el('div'), edit: el('div') };
    const text = input('text', 'server-insert-text');
    text.placeholder = 'text';
    const id = input('text', 'server-insert-id');
    id.placeholder = 'id (optional)';
    id.size = 10;
    add(
      node,
      add(el('h3'), el('span', '', 'server'), el('span', 'chip', `${EDITOR} writes here as another user`)),
      made.rows,
      made.edit,
      add(
        el('div', 'row-form'),
        text,
        id,
        button(`Insert as ${EDITOR}`, 'btn', 'server-insert', () => {
          const record: JsonObject = { text: text.value, complete: false };
          if (id.value.trim() !== '') record['id'] = id.value.trim();
          const table = mainTable(state()).name;
          quietly(
            explorer
              .act(() => api.serverEdit({ editor: EDITOR, type: 'insert', table, record }))
              .then(() => {
                text.value = '';
                id.value = '';
              }),
          );
        }),
      ),
    );
    parts = made;
    return made;
  }

  function renderEdit(): void {
    const edit = frame().edit;
    clear(edit);
    if (editing === null) return;
    const view = state();
    const table = mainTable(view);
    let row: JsonObject | null = null;
    for (const r of view.server[table.name] || []) if (String(r.id) === editing && r.deleted !== true) row = r;
    if (!row) {
      editing = null;
      return;
    }
    const id = editing;
    const text = input(
      'text',
      'server-edit-text',
      row['text'] === null || row['text'] === undefined ? '' : String(row['text']),
    );
    const complete = checkbox('server-edit-complete', row['complete'] === true);
    add(
      edit,
      add(
        el('div', 'row-form'),
        el('b', '', `${EDITOR} edits ${id}`),
        text,
        labelled('complete', complete),
        button(`Save as ${EDITOR}`, 'btn primary', 'server-save-edit', () => {
          const changes = { text: text.value, complete: complete.checked };
          quietly(
            explorer
              .act(() => api.serverEdit({ editor: EDITOR, type: 'update', table: table.name, id, changes }))
              .then(() => {
                editing = null;
                explorer.renderAll();
              }),
          );
        }),
        button('cancel', 'btn small', 'server-cancel-edit', () => {
          editing = null;
          renderEdit();
        }),
      ),
    );
  }

  return {
    node,
    render(view) {
      const { rows: box } = frame();
      const table = mainTable(view);
      const rows = view.server[table.name] || [];
      clear(box);
      if (rows.length === 0) box.appendChild(el('div', 'empty-line', 'no rows'));
      else {
        box.appendChild(
          recordsTable(rows, {
            table,
            prefix: 'server-row-',
            extra: ['version', 'updatedAt', 'deleted'],
            highlight: editing,
            actions: (row) => {
              if (row['deleted'] === true) return [];
              const id = String(row['id']);
              return [
                button('edit', 'btn small', `server-edit-${id}`, () => {
                  editing = id;
                  renderEdit();
                }),
                button('delete', 'btn small danger', `server-delete-${id}`, () =>
                  quietly(
                    explorer.act(() => api.serverEdit({ editor: EDITOR, type: 'delete', table: table.name, id })),
                  ),
                ),
              ];
            },
          }),
        );
      }
      renderEdit();
    },
  };
}
