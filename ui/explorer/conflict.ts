/**
 * The conflict a paused push waits on: both records side by side, a merge editor, and a button
 * per answer the SDK's conflict handler can give.
 */
import type { ConflictView } from '../../src/explorer/conflicts.js';
import type { SessionView } from '../../src/explorer/session.js';
import type { JsonObject, JsonValue } from '../../src/protocol/records.js';
import { add, byId, clear, el, tid } from '../shared/dom.js';
import { jsonBlock } from '../shared/json-block.js';
import { api, type DecisionBody } from './api.js';
import { button, select } from './controls.js';
import { messageOf, quietly, type Explorer } from './explorer.js';
import { showNotice } from './notice.js';

const CHANGE_ACTIONS = ['update', 'insert', 'delete'] as const;

export function renderConflict(explorer: Explorer, view: SessionView): void {
  const box = byId('conflict');
  clear(box);
  const c = view.conflict;
  box.hidden = !c;
  if (!c) return;
  const serverCopy = c.serverRecord || c.serverRow;
  const status = c.status ? ` — HTTP ${c.status}` : '';
  const answer = c.serverRecord
    ? ''
    : 'The answer carried no server record (a 409); the server row is shown as it is now.';
  add(
    box,
    el('h2', '', `Conflict: ${c.client} pushed ${c.action} of ${c.table}/${String(c.itemId)}${status}`),
    el(
      'div',
      'hint',
      'The push is paused until you answer. ' +
        `Your answer is recorded in the history and replayed when the session is saved. ${answer}`,
    ),
  );
  add(
    box,
    add(
      el('div', 'side-by-side'),
      add(
        tid(el('div'), 'conflict-client-record'),
        el('h4', '', `${c.client}'s record`),
        c.clientRecord ? jsonBlock(c.clientRecord) : el('div', 'empty-line', 'none (a delete)'),
      ),
      add(
        tid(el('div'), 'conflict-server-record'),
        el('h4', '', c.serverRecord ? "server's record (from the answer)" : "server's row (now)"),
        serverCopy ? jsonBlock(serverCopy) : el('div', 'empty-line', 'none'),
      ),
    ),
  );
  if (c.clientRecord && serverCopy) box.appendChild(differences(c.clientRecord, serverCopy, c.client));
  const editor = tid(el('textarea'), 'merge-editor');
  editor.value = JSON.stringify(c.merged || c.clientRecord || { id: c.itemId }, null, 2);
  add(box, el('h4', '', 'merge (edit freely; used by the buttons that say "edited")'), editor);
  box.appendChild(decisionButtons(explorer, c, editor, serverCopy));
}

function decisionButtons(
  explorer: Explorer,
  c: ConflictView,
  editor: HTMLTextAreaElement,
  serverCopy: ConflictView['serverRow'],
): HTMLDivElement {
  const decide = (body: Omit<DecisionBody, 'conflict'>): void =>
    quietly(explorer.act(() => api.decide({ ...body, conflict: c.id })));
  /** The merge editor's JSON, or null (and a notice) when it does not parse. */
  const edited = (): JsonValue | null => {
    try {
      return JSON.parse(editor.value) as JsonValue;
    } catch (error) {
      showNotice(`The merge editor does not hold valid JSON: ${messageOf(error)}`, true);
      return null;
    }
  };
  const action = select('change-action', CHANGE_ACTIONS);
  const chosenAction = () => CHANGE_ACTIONS[action.selectedIndex] ?? 'update';
  // The answers that store a record cannot answer a delete, nor store a copy that is not there.
  const isDelete = c.action === 'delete';
  const fromServer = button("cancelAndUpdate with the server's copy", 'btn', 'decide-cancelAndUpdate-server', () =>
    decide({ decision: 'cancelAndUpdate', record: serverCopy }),
  );
  const fromClient = button('cancelAndUpdate with my copy', 'btn', 'decide-cancelAndUpdate-client', () =>
    decide({ decision: 'cancelAndUpdate', record: c.clientRecord }),
  );
  const merged = button('cancelAndUpdate with the edited merge', 'btn', 'decide-cancelAndUpdate-merged', () => {
    const r = edited();
    if (r) decide({ decision: 'cancelAndUpdate', record: r });
  });
  const update = button('update with the edited merge (push it again)', 'btn', 'decide-update', () => {
    const r = edited();
    if (r) decide({ decision: 'update', record: r });
  });
  const decisions = add(
    el('div', 'decisions'),
    button('cancelAndDiscard (drop my change)', 'btn', 'decide-cancelAndDiscard', () =>
      decide({ decision: 'cancelAndDiscard' }),
    ),
    fromServer,
    fromClient,
    merged,
    update,
    add(
      el('span'),
      button('changeAction to', 'btn', 'decide-changeAction', () => {
        const to = chosenAction();
        if (to === 'delete') return decide({ decision: 'changeAction', action: to });
        const r = edited();
        if (r) decide({ decision: 'changeAction', action: to, record: r });
      }),
      ' ',
      action,
      ' (edited record)',
    ),
    button('cancel (keep local, drop the operation)', 'btn', 'decide-cancel', () => decide({ decision: 'cancel' })),
    button('leave unhandled', 'btn', 'decide-unhandled', () => decide({ decision: 'unhandled' })),
  );
  if (isDelete) for (const b of [fromServer, fromClient, merged, update]) b.disabled = true;
  if (!serverCopy) fromServer.disabled = true;
  if (!c.clientRecord) fromClient.disabled = true;
  return decisions;
}

/** Set by the server, not by the app: they differ in every conflict. */
const SYSTEM_FIELDS = ['id', 'version', 'createdAt', 'updatedAt', 'deleted'];

/**
 * The two copies field by field, the fields that differ marked: what the user has to decide
 * about. System fields (the version above all) differ in every conflict and are shown dimmed.
 */
function differences(mine: JsonObject, theirs: JsonObject, client: string): HTMLElement {
  const fields = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])];
  const own = fields.filter((field) => !SYSTEM_FIELDS.includes(field));
  const system = fields.filter((field) => SYSTEM_FIELDS.includes(field) && field !== 'id');
  const differ = (field: string): boolean => JSON.stringify(mine[field]) !== JSON.stringify(theirs[field]);
  const differing = own.filter(differ);
  const table = add(
    el('table', 'data diff'),
    add(el('tr'), el('th', '', 'field'), el('th', '', client), el('th', '', 'server')),
  );
  for (const field of [...own, ...system]) {
    const cls = `${differ(field) ? 'differs' : 'same'}${SYSTEM_FIELDS.includes(field) ? ' system' : ''}`;
    const row = tid(
      add(el('tr', cls), el('td', 'mono', field), cell(mine, field), cell(theirs, field)),
      `diff-${field}`,
    );
    row.setAttribute('data-differs', differ(field) ? 'yes' : 'no');
    table.appendChild(row);
  }
  return add(
    tid(el('div', 'conflict-diff'), 'conflict-diff'),
    tid(
      el(
        'div',
        'hint',
        differing.length === 0
          ? 'The two copies hold the same values; only the version differs.'
          : `Fields that differ: ${differing.join(', ')}`,
      ),
      'conflict-differs',
    ),
    add(el('div', 'scroll-x'), table),
  );
}

function cell(record: JsonObject, field: string): HTMLElement {
  const value = record[field];
  return el('td', 'mono', value === undefined ? '—' : JSON.stringify(value));
}
