/** One client's card: its local table (rows editable), its operation queue, and what it can do. */
import type { ClientView } from '../../src/explorer/session.js';
import type { JsonObject, TableDefinition } from '../../src/protocol/records.js';
import { add, clear, el, tid } from '../shared/dom.js';
import { api, type PageOperation } from './api.js';
import { button, checkbox, input, labelled } from './controls.js';
import { mainTable, quietly, type Explorer } from './explorer.js';
import { recordForm } from './record-form.js';
import { recordsTable } from './records-table.js';

export interface ClientCard {
  readonly node: HTMLElement;
  render(client: ClientView): void;
  /** Leaves the row editor (the client is gone). */
  forget(): void;
}

export function createClientCard(explorer: Explorer, name: string): ClientCard {
  /** The id of the row being edited. */
  let editing: string | undefined;
  const state = () => {
    if (!explorer.state) throw new Error('no session state yet');
    return explorer.state;
  };
  const node = tid(el('section', 'card panel client'), `client-${name}`);
  const online = checkbox('online', true);
  online.addEventListener('change', () => quietly(explorer.act(() => api.offline(name, !online.checked))));
  const policy = tid(el('span', 'chip policy'), 'policy');
  const title = add(
    el('h3'),
    el('span', '', name),
    policy,
    el('span', 'spacer'),
    add(el('label', 'switch'), online, 'online'),
    button('remove', 'btn small danger', 'remove-client', () => {
      if (window.confirm(`Remove ${name} and every step it took? The session runs again without it.`))
        quietly(explorer.act(() => api.removeClient(name)));
    }),
  );
  const tableBox = el('div');
  const opsBox = el('div');
  const editBox = el('div');
  const background = checkbox('background', false);
  const run = (op: PageOperation): Promise<unknown> =>
    explorer.act(() => api.operation(name, { ...op, background: background.checked }));

  const insertForm = el('div', 'row-form');
  /** The table the insert form was drawn for: what is typed into it survives updates of the same table. */
  let insertTable: TableDefinition | undefined;
  function renderInsert(table: TableDefinition): void {
    if (insertTable === table) return;
    insertTable = table;
    const form = recordForm(table, 'insert');
    const insertId = input('text', 'insert-id');
    insertId.placeholder = 'id (optional)';
    insertId.size = 10;
    add(
      clear(insertForm),
      ...form.fields,
      insertId,
      button('Insert', 'btn primary', 'insert', () => {
        const record = form.read();
        if (insertId.value.trim() !== '') record['id'] = insertId.value.trim();
        quietly(
          run({ type: 'insert', table: table.name, record }).then(() => {
            form.clear();
            insertId.value = '';
          }),
        );
      }),
    );
  }

  const incremental = checkbox('incremental', false);
  const force = checkbox('force', false);
  const buttons = add(
    el('div', 'buttons'),
    button('Push', 'btn', 'push', () => quietly(run({ type: 'push' }))),
    button('Pull', 'btn', 'pull', () => {
      const table = mainTable(state()).name;
      // One query id per table: the SDK keys its incremental marks by query id alone.
      const queryId = table === state().tables[0]?.name ? 'explorer' : `explorer-${table}`;
      quietly(run(incremental.checked ? { type: 'pull', table, queryId } : { type: 'pull', table }));
    }),
    labelled('incremental', incremental),
    button('Purge', 'btn', 'purge', () =>
      quietly(run({ type: 'purge', table: mainTable(state()).name, force: force.checked })),
    ),
    labelled('force', force),
    button('Restart', 'btn', 'restart', () => quietly(run({ type: 'restart' }))),
    labelled('in background', background),
  );
  add(
    node,
    title,
    el('h4', '', 'local table'),
    tableBox,
    el('h4', '', 'pending operations'),
    opsBox,
    el('h4', '', 'write'),
    insertForm,
    editBox,
    buttons,
  );

  function renderEdit(client: ClientView): void {
    clear(editBox);
    const id = editing;
    if (id === undefined) return;
    const table = mainTable(state());
    const rows = client.tables[table.name] || [];
    let row: JsonObject | undefined;
    for (const r of rows) if (String(r['id']) === id) row = r;
    if (!row) {
      editing = undefined;
      return;
    }
    const form = recordForm(table, 'edit', row);
    add(
      editBox,
      add(
        el('div', 'row-form'),
        el('b', '', `edit ${id}`),
        ...form.fields,
        button('Save edit', 'btn primary', 'save-edit', () => {
          const record = { id, ...form.read() };
          quietly(
            run({ type: 'update', table: table.name, record }).then(() => {
              editing = undefined;
              explorer.renderAll();
            }),
          );
        }),
        button('cancel', 'btn small', 'cancel-edit', () => {
          editing = undefined;
          renderEdit(client);
        }),
      ),
    );
  }

  function render(client: ClientView): void {
    const view = state();
    node.className = `card panel client${client.offline ? ' offline' : ''}`;
    online.checked = !client.offline;
    online.disabled = !!view.conflict;
    policy.textContent = `policy: ${client.policy}${client.decisions ? ` · ${client.decisions} answered` : ''}`;
    const table = mainTable(view);
    renderInsert(table);
    const rows = client.tables[table.name] || [];
    clear(tableBox);
    if (client.unreadable) tableBox.appendChild(el('div', 'empty-line', `reopening… (${client.unreadable})`));
    else if (rows.length === 0) tableBox.appendChild(tid(el('div', 'empty-line', 'no rows'), 'no-rows'));
    else {
      tableBox.appendChild(
        recordsTable(rows, {
          table,
          prefix: 'row-',
          extra: ['version'],
          highlight: editing,
          actions: (row) => {
            const id = String(row['id']);
            return [
              button('edit', 'btn small', `edit-${id}`, () => {
                editing = id;
                renderEdit(client);
              }),
              button('delete', 'btn small danger', `delete-${id}`, () =>
                quietly(run({ type: 'delete', table: table.name, id })),
              ),
            ];
          },
        }),
      );
    }
    clear(opsBox);
    const ops = client.operations || [];
    if (ops.length === 0) opsBox.appendChild(tid(el('div', 'empty-line', 'none'), 'no-ops'));
    else {
      const ul = tid(el('ul', 'ops'), 'ops');
      for (const op of ops) {
        ul.appendChild(el('li', op.locked ? 'locked' : '', `#${op.id} ${op.action} ${op.table}/${op.itemId}`));
      }
      opsBox.appendChild(ul);
    }
    if (client.running && client.running.length) {
      const running = client.running.map((r) => `${r.type} #${r.opId}`).join(', ');
      opsBox.appendChild(tid(el('div', 'running', `running: ${running}`), 'running'));
    }
    renderEdit(client);
  }

  return {
    node,
    render,
    forget() {
      editing = undefined;
    },
  };
}
