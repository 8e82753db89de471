/** The server's card: its rows (soft-deleted ones too), and an editor (`editor-1`) writing as another user. */
import type { SessionView } from '../../src/explorer/session.js';
import type { JsonObject, TableDefinition } from '../../src/protocol/records.js';
import { add, byId, clear, el } from '../shared/dom.js';
import { api } from './api.js';
import { button, input, select } from './controls.js';
import { mainTable, quietly, type Explorer } from './explorer.js';
import { recordForm } from './record-form.js';
import { recordsTable } from './records-table.js';

export interface ServerCard {
  readonly node: HTMLElement;
  render(view: SessionView): void;
}

export function createServerCard(explorer: Explorer): ServerCard {
  const node = byId('server');
  /** The id of the row being edited. */
  let editing: string | null = null;
  let parts: {
    readonly rows: HTMLElement;
    readonly edit: HTMLElement;
    readonly insert: HTMLElement;
    readonly editor: HTMLSelectElement;
  } | null = null;
  /** The table the insert form was drawn for. */
  let insertTable: TableDefinition | undefined;
  /** The editor who writes: the one chosen among the session's editors. */
  const editor = (): string => frame().editor.value || 'editor-1';
  const state = () => {
    if (!explorer.state) throw new Error('no session state yet');
    return explorer.state;
  };

  /** The card's frame, drawn once (the session's editors do not change). */
  function frame(): NonNullable<typeof parts> {
    if (parts) return parts;
    const editors = state().editors;
    const made = { rows: el('div'), edit: el('div'), insert: el('div', 'row-form'), editor: select('editor', editors) };
    // One editor needs no choice; the select stays, hidden, as the one place the name is read from.
    made.editor.style.display = editors.length < 2 ? 'none' : '';
    made.editor.addEventListener('change', () => {
      insertTable = undefined;
      renderInsert(mainTable(state()));
      renderEdit();
    });
    add(
      node,
      add(
        el('h3'),
        el('span', '', 'server'),
        made.editor,
        el(
          'span',
          'chip',
          `${editors.length < 2 ? (editors[0] ?? 'editor-1') : 'the editor'} writes here as another user`,
        ),
      ),
      made.rows,
      made.edit,
      made.insert,
    );
    parts = made;
    return made;
  }

  /** The insert form of the table shown: what is typed into it survives updates of the same table. */
  function renderInsert(table: TableDefinition): void {
    if (insertTable === table) return;
    insertTable = table;
    const form = recordForm(table, 'server-insert');
    const id = input('text', 'server-insert-id');
    id.placeholder = 'id (optional)';
    id.size = 10;
    const writer = editor();
    add(
      clear(frame().insert),
      ...form.fields,
      id,
      button(`Insert as ${writer}`, 'btn', 'server-insert', () => {
        const record: JsonObject = form.read();
        if (id.value.trim() !== '') record['id'] = id.value.trim();
        quietly(
          explorer
            .act(() => api.serverEdit({ editor: writer, type: 'insert', table: table.name, record }))
            .then(() => {
              form.clear();
              id.value = '';
            }),
        );
      }),
    );
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
    const form = recordForm(table, 'server-edit', row);
    const writer = editor();
    add(
      edit,
      add(
        el('div', 'row-form'),
        el('b', '', `${writer} edits ${id}`),
        ...form.fields,
        button(`Save as ${writer}`, 'btn primary', 'server-save-edit', () => {
          const changes = form.read();
          quietly(
            explorer
              .act(() => api.serverEdit({ editor: writer, type: 'update', table: table.name, id, changes }))
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
      renderInsert(table);
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
                    explorer.act(() => api.serverEdit({ editor: editor(), type: 'delete', table: table.name, id })),
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
