/**
 * The explorer page's only script, inlined and pinned by a CSP hash. It talks to the JSON API
 * and listens to the Server-Sent Events stream; every value from the world becomes DOM text
 * (createElement/textContent), never markup. Plain ES2017 without template literals (this is
 * itself a template string); the timeline is drawn as the HTML report draws it, from the same
 * model (`buildTimeline`), the same stylesheet and the same drawing code (`browser-helpers.ts`,
 * which also brings the DOM helpers).
 */
import { BROWSER_HELPERS } from '../report/browser-helpers.js';

export const EXPLORER_SCRIPT = String.raw`
(function () {
  'use strict';
  var state = null;
  var timelineRevision = -1;
  var timelineCtx = null;
  var ceCtx = null;
  var counterexamples = [];
  var cards = {};
  var linkCards = {};
  var editing = {};
  var serverEditing = null;
  var lastChecks = null;
${BROWSER_HELPERS}
  // ---- explorer's own DOM helpers ----
  function byId(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function button(text, cls, testid, onClick) {
    var b = el('button', cls || 'btn', text);
    b.type = 'button';
    if (testid) tid(b, testid);
    b.addEventListener('click', onClick);
    return b;
  }
  function input(type, testid, value) {
    var i = el('input');
    i.type = type;
    if (testid) tid(i, testid);
    if (value !== undefined) i.value = String(value);
    return i;
  }
  function checkbox(testid, checked) {
    var i = input('checkbox', testid);
    i.checked = !!checked;
    return i;
  }
  function labelled(text, control) { return add(el('label'), text, control); }
  function shortValue(v) {
    if (v === undefined) return '';
    if (v === null) return 'null';
    if (typeof v === 'string') return v;
    return JSON.stringify(v);
  }

  // ---- API ----
  function api(method, path, body, raw) {
    var options = { method: method, headers: {} };
    // The explorer takes changes as JSON only (a cross-site form cannot send that).
    if (body === undefined && method !== 'GET') body = {};
    if (body !== undefined) {
      options.headers['content-type'] = 'application/json';
      options.body = raw ? body : JSON.stringify(body);
    }
    return fetch('/api' + path, options).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = { error: text }; }
        if (!response.ok) throw new Error((data && data.error) || ('HTTP ' + response.status));
        return data;
      });
    });
  }
  function act(method, path, body) {
    setBusy(true);
    return api(method, path, body).then(function (view) {
      if (view && typeof view.revision === 'number') applyState(view);
      return view;
    }, function (error) {
      showNotice(error.message, true);
      setBusy(false);
      throw error;
    });
  }
  function quietly(promise) { promise.catch(function () { /* shown in the notice */ }); }

  function showNotice(text, isError) {
    var node = byId('notice');
    node.className = 'notice' + (isError ? ' error' : '');
    node.textContent = text || '';
  }
  function setBusy(busy) {
    var node = byId('status');
    if (!state) return;
    var stopped = state.stopped;
    node.className = 'status' + (stopped ? ' stopped' : busy ? ' busy' : '');
    node.textContent = stopped ? 'stopped' : state.conflict ? 'waiting for your answer' : busy ? 'busy' : 'idle';
  }

  // ---- header ----
  function renderHeader() {
    byId('clock').textContent = 't = ' + fmtTime(state.elapsed);
    byId('clock-sub').textContent = state.nextTimerIn === null ? 'no timer armed · seed ' + state.seed : 'next timer in ' + fmtTime(state.nextTimerIn) + ' · ' + state.pendingTimers + ' armed · seed ' + state.seed;
    var blocked = !!state.conflict || !!state.stopped;
    ['step', 'run-until-idle', 'advance', 'sync-all', 'heal'].forEach(function (id) { byId(id).disabled = blocked; });
    setBusy(state.busy);
  }

  // ---- clients ----
  function columnsOf(rows, table) {
    var columns = ['id'];
    var own = table ? keysOf(table.columns) : [];
    own.forEach(function (c) { columns.push(c); });
    rows.forEach(function (row) { keysOf(row).forEach(function (k) { if (columns.indexOf(k) < 0 && ['createdAt', 'updatedAt', 'deleted', 'version'].indexOf(k) < 0) columns.push(k); }); });
    return columns;
  }

  function mainTable() { return state.tables[0]; }

  function makeClientCard(name) {
    var card = tid(el('section', 'card panel client'), 'client-' + name);
    var title = el('h3');
    var online = checkbox('online', true);
    online.addEventListener('change', function () {
      quietly(act('POST', '/clients/' + encodeURIComponent(name) + '/offline', { offline: !online.checked }));
    });
    var policy = tid(el('span', 'chip policy'), 'policy');
    add(title, el('span', '', name), policy, el('span', 'spacer'), add(el('label', 'switch'), online, 'online'),
      button('remove', 'btn small danger', 'remove-client', function () {
        if (window.confirm('Remove ' + name + ' and every step it took? The session runs again without it.')) quietly(act('DELETE', '/clients/' + encodeURIComponent(name)));
      }));
    var tableBox = el('div');
    var opsBox = el('div');
    var insertText = input('text', 'insert-text');
    insertText.placeholder = 'text';
    var insertComplete = checkbox('insert-complete', false);
    var insertId = input('text', 'insert-id');
    insertId.placeholder = 'id (optional)';
    insertId.size = 10;
    var background = checkbox('background', false);
    function run(body) {
      body.background = background.checked;
      return act('POST', '/clients/' + encodeURIComponent(name) + '/operations', body);
    }
    var insertForm = add(el('div', 'row-form'), insertText, labelled('complete', insertComplete), insertId,
      button('Insert', 'btn primary', 'insert', function () {
        var record = { text: insertText.value, complete: insertComplete.checked };
        if (insertId.value.trim() !== '') record.id = insertId.value.trim();
        quietly(run({ type: 'insert', table: mainTable().name, record: record }).then(function () { insertText.value = ''; insertId.value = ''; insertComplete.checked = false; }));
      }));
    var editBox = el('div');
    var incremental = checkbox('incremental', false);
    var force = checkbox('force', false);
    var buttons = add(el('div', 'buttons'),
      button('Push', 'btn', 'push', function () { quietly(run({ type: 'push' })); }),
      button('Pull', 'btn', 'pull', function () {
        var body = { type: 'pull', table: mainTable().name };
        if (incremental.checked) body.queryId = 'explorer';
        quietly(run(body));
      }),
      labelled('incremental', incremental),
      button('Purge', 'btn', 'purge', function () { quietly(run({ type: 'purge', table: mainTable().name, force: force.checked })); }),
      labelled('force', force),
      button('Restart', 'btn', 'restart', function () { quietly(run({ type: 'restart' })); }),
      labelled('in background', background));
    add(card, title, el('h4', '', 'local table'), tableBox, el('h4', '', 'pending operations'), opsBox, el('h4', '', 'write'), insertForm, editBox, buttons);
    return { node: card, tableBox: tableBox, opsBox: opsBox, editBox: editBox, online: online, policy: policy, run: run };
  }

  function renderClient(card, client) {
    card.node.className = 'card panel client' + (client.offline ? ' offline' : '');
    card.online.checked = !client.offline;
    card.online.disabled = !!state.conflict;
    card.policy.textContent = 'policy: ' + client.policy + (client.policy === 'ask' && client.decisions ? ' · ' + client.decisions + ' answered' : '');
    var table = mainTable();
    var rows = (client.tables && client.tables[table.name]) || [];
    clear(card.tableBox);
    if (client.unreadable) card.tableBox.appendChild(el('div', 'empty-line', 'reopening… (' + client.unreadable + ')'));
    else if (rows.length === 0) card.tableBox.appendChild(tid(el('div', 'empty-line', 'no rows'), 'no-rows'));
    else card.tableBox.appendChild(recordsTable(rows, table, 'row-', ['version'], function (row) {
      var id = String(row.id);
      return [
        button('edit', 'btn small', 'edit-' + id, function () { editing[client.name] = id; renderEdit(card, client); }),
        button('delete', 'btn small danger', 'delete-' + id, function () { quietly(card.run({ type: 'delete', table: table.name, id: id })); })
      ];
    }, editing[client.name]));
    clear(card.opsBox);
    var ops = client.operations || [];
    if (ops.length === 0) card.opsBox.appendChild(tid(el('div', 'empty-line', 'none'), 'no-ops'));
    else {
      var ul = tid(el('ul', 'ops'), 'ops');
      ops.forEach(function (op) { ul.appendChild(el('li', op.locked ? 'locked' : '', '#' + op.id + ' ' + op.action + ' ' + op.table + '/' + op.itemId)); });
      card.opsBox.appendChild(ul);
    }
    if (client.running && client.running.length) {
      card.opsBox.appendChild(tid(el('div', 'running', 'running: ' + client.running.map(function (r) { return r.type + ' #' + r.opId; }).join(', ')), 'running'));
    }
    renderEdit(card, client);
  }

  function renderEdit(card, client) {
    clear(card.editBox);
    var id = editing[client.name];
    if (id === undefined) return;
    var table = mainTable();
    var rows = (client.tables && client.tables[table.name]) || [];
    var row = null;
    rows.forEach(function (r) { if (String(r.id) === id) row = r; });
    if (!row) { delete editing[client.name]; return; }
    var text = input('text', 'edit-text', row.text === null || row.text === undefined ? '' : row.text);
    var complete = checkbox('edit-complete', row.complete === true);
    add(card.editBox, add(el('div', 'row-form'), el('b', '', 'edit ' + id), text, labelled('complete', complete),
      button('Save edit', 'btn primary', 'save-edit', function () {
        quietly(card.run({ type: 'update', table: table.name, record: { id: id, text: text.value, complete: complete.checked } }).then(function () { delete editing[client.name]; renderAll(); }));
      }),
      button('cancel', 'btn small', 'cancel-edit', function () { delete editing[client.name]; renderEdit(card, client); })));
  }

  function recordsTable(rows, table, prefix, extra, actions, highlight) {
    var columns = columnsOf(rows, table).concat(extra);
    var t = el('table', 'data');
    var head = el('tr');
    columns.forEach(function (c) { head.appendChild(el('th', '', c)); });
    if (actions) head.appendChild(el('th', '', ''));
    t.appendChild(head);
    rows.forEach(function (row) {
      var tr = tid(el('tr', (row.deleted === true ? 'deleted' : '') + (highlight === String(row.id) ? ' editing' : '')), prefix + row.id);
      columns.forEach(function (c) {
        var td = el('td', c === 'version' || c === 'updatedAt' ? 'mono' : '', has(row, c) ? shortValue(row[c]) : '');
        td.setAttribute('data-column', c);
        tr.appendChild(td);
      });
      if (actions) { var cell = el('td', 'actions'); actions(row).forEach(function (b) { add(cell, b, ' '); }); tr.appendChild(cell); }
      t.appendChild(tr);
    });
    return add(el('div', 'scroll-x'), t);
  }

  function renderClients() {
    var box = byId('clients');
    var seen = {};
    state.clients.forEach(function (client) {
      seen[client.name] = true;
      if (!cards[client.name]) cards[client.name] = makeClientCard(client.name);
      renderClient(cards[client.name], client);
    });
    keysOf(cards).forEach(function (name) { if (!seen[name]) { delete cards[name]; delete editing[name]; } });
    var wanted = state.clients.map(function (c) { return cards[c.name].node; });
    wanted.push(byId('server'));
    wanted.forEach(function (node, i) { if (box.children[i] !== node) box.insertBefore(node, box.children[i] || null); });
    while (box.children.length > wanted.length) box.removeChild(box.lastChild);
    renderServer();
  }

  // ---- server ----
  var serverBox = null;
  function renderServer() {
    var card = byId('server');
    if (!serverBox) {
      serverBox = { rows: el('div'), edit: el('div') };
      var text = input('text', 'server-insert-text');
      text.placeholder = 'text';
      var id = input('text', 'server-insert-id');
      id.placeholder = 'id (optional)';
      id.size = 10;
      add(card, add(el('h3'), el('span', '', 'server'), el('span', 'chip', 'editor-1 writes here as another user')),
        serverBox.rows, serverBox.edit,
        add(el('div', 'row-form'), text, id, button('Insert as editor-1', 'btn', 'server-insert', function () {
          var record = { text: text.value, complete: false };
          if (id.value.trim() !== '') record.id = id.value.trim();
          quietly(act('POST', '/server/edits', { editor: 'editor-1', type: 'insert', table: mainTable().name, record: record }).then(function () { text.value = ''; id.value = ''; }));
        })));
    }
    var table = mainTable();
    var rows = (state.server && state.server[table.name]) || [];
    clear(serverBox.rows);
    if (rows.length === 0) serverBox.rows.appendChild(el('div', 'empty-line', 'no rows'));
    else serverBox.rows.appendChild(recordsTable(rows, table, 'server-row-', ['version', 'updatedAt', 'deleted'], function (row) {
      if (row.deleted === true) return [];
      var id = String(row.id);
      return [
        button('edit', 'btn small', 'server-edit-' + id, function () { serverEditing = id; renderServerEdit(); }),
        button('delete', 'btn small danger', 'server-delete-' + id, function () { quietly(act('POST', '/server/edits', { editor: 'editor-1', type: 'delete', table: table.name, id: id })); })
      ];
    }, serverEditing));
    renderServerEdit();
  }

  function renderServerEdit() {
    clear(serverBox.edit);
    if (serverEditing === null) return;
    var table = mainTable();
    var row = null;
    ((state.server && state.server[table.name]) || []).forEach(function (r) { if (String(r.id) === serverEditing && r.deleted !== true) row = r; });
    if (!row) { serverEditing = null; return; }
    var id = serverEditing;
    var text = input('text', 'server-edit-text', row.text === null || row.text === undefined ? '' : row.text);
    var complete = checkbox('server-edit-complete', row.complete === true);
    add(serverBox.edit, add(el('div', 'row-form'), el('b', '', 'editor-1 edits ' + id), text, labelled('complete', complete),
      button('Save as editor-1', 'btn primary', 'server-save-edit', function () {
        quietly(act('POST', '/server/edits', { editor: 'editor-1', type: 'update', table: table.name, id: id, changes: { text: text.value, complete: complete.checked } }).then(function () { serverEditing = null; renderAll(); }));
      }),
      button('cancel', 'btn small', 'server-cancel-edit', function () { serverEditing = null; renderServerEdit(); })));
  }

  // ---- links ----
  function renderLinks() {
    var box = byId('links');
    var seen = {};
    state.links.forEach(function (link) {
      seen[link.name] = true;
      var card = linkCards[link.name];
      if (!card) {
        card = linkCards[link.name] = makeLinkCard(link.name);
        box.appendChild(card.node);
      }
      card.requests.textContent = link.requests + ' request' + (link.requests === 1 ? '' : 's') + ' so far';
      if (!card.dirty) card.fill(link.faults);
    });
    keysOf(linkCards).forEach(function (name) { if (!seen[name]) { box.removeChild(linkCards[name].node); delete linkCards[name]; } });
  }

  function makeLinkCard(name) {
    var node = tid(el('div', 'card link'), 'link-' + name);
    var min = input('number', 'latency-min'); min.min = '0';
    var max = input('number', 'latency-max'); max.min = '0';
    var err = input('number', 'error-rate'); err.min = '0'; err.max = '100';
    var status = tid(el('select'), 'error-status');
    [500, 502, 503, 429, 401].forEach(function (s) { var o = el('option', '', String(s)); o.value = String(s); status.appendChild(o); });
    var lost = input('number', 'lost-rate'); lost.min = '0'; lost.max = '100';
    var requests = el('span', 'hint');
    var card = { node: node, requests: requests, dirty: false };
    [min, max, err, status, lost].forEach(function (i) { i.addEventListener('input', function () { card.dirty = true; }); });
    card.fill = function (f) {
      min.value = String(f.latency.minMs); max.value = String(f.latency.maxMs);
      err.value = String(Math.round(f.errorRate * 1000) / 10); status.value = String(f.errorStatus);
      lost.value = String(Math.round(f.lostResponseRate * 1000) / 10);
    };
    add(node, add(el('h4', '', 'link ' + name + ' ')), requests,
      add(el('div', 'row-form'), labelled('latency ms', min), '–', max, labelled('errors %', err), status, labelled('lost answers %', lost),
        button('Apply', 'btn primary', 'apply-faults', function () {
          var body = { latency: { minMs: Number(min.value), maxMs: Number(max.value) }, errorRate: Number(err.value) / 100, errorStatus: Number(status.value), lostResponseRate: Number(lost.value) / 100 };
          quietly(act('PUT', '/links/' + encodeURIComponent(name) + '/faults', body).then(function () { card.dirty = false; renderLinks(); }));
        })));
    return card;
  }

  // ---- conflict ----
  function renderConflict() {
    var box = byId('conflict');
    clear(box);
    var c = state.conflict;
    box.hidden = !c;
    if (!c) return;
    var serverCopy = c.serverRecord || c.serverRow;
    add(box, el('h2', '', 'Conflict: ' + c.client + ' pushed ' + c.action + ' of ' + c.table + '/' + c.itemId + (c.status ? ' — HTTP ' + c.status : '')),
      el('div', 'hint', 'The push is paused until you answer. Your answer is recorded in the history and replayed when the session is saved. ' + (c.serverRecord ? '' : 'The answer carried no server record (a 409); the server row is shown as it is now.')));
    var sides = el('div', 'side-by-side');
    add(sides,
      add(tid(el('div'), 'conflict-client-record'), el('h4', '', c.client + "'s record"), c.clientRecord ? jsonBlock(c.clientRecord) : el('div', 'empty-line', 'none (a delete)')),
      add(tid(el('div'), 'conflict-server-record'), el('h4', '', c.serverRecord ? "server's record (from the answer)" : "server's row (now)"), serverCopy ? jsonBlock(serverCopy) : el('div', 'empty-line', 'none')));
    box.appendChild(sides);
    var editor = tid(el('textarea'), 'merge-editor');
    editor.value = JSON.stringify(c.merged || c.clientRecord || { id: c.itemId }, null, 2);
    add(box, el('h4', '', 'merge (edit freely; used by the buttons that say "edited")'), editor);
    function decide(body) {
      body.conflict = c.id;
      quietly(act('POST', '/conflict', body));
    }
    function edited() {
      try { return JSON.parse(editor.value); } catch (e) { showNotice('The merge editor does not hold valid JSON: ' + e.message, true); return null; }
    }
    var action = tid(el('select'), 'change-action');
    ['update', 'insert', 'delete'].forEach(function (a) { var o = el('option', '', a); o.value = a; action.appendChild(o); });
    var isDelete = c.action === 'delete';
    var decisions = add(el('div', 'decisions'),
      button('cancelAndDiscard (drop my change)', 'btn', 'decide-cancelAndDiscard', function () { decide({ decision: 'cancelAndDiscard' }); }),
      button("cancelAndUpdate with the server's copy", 'btn', 'decide-cancelAndUpdate-server', function () { decide({ decision: 'cancelAndUpdate', record: serverCopy }); }),
      button("cancelAndUpdate with my copy", 'btn', 'decide-cancelAndUpdate-client', function () { decide({ decision: 'cancelAndUpdate', record: c.clientRecord }); }),
      button('cancelAndUpdate with the edited merge', 'btn', 'decide-cancelAndUpdate-merged', function () { var r = edited(); if (r) decide({ decision: 'cancelAndUpdate', record: r }); }),
      button('update with the edited merge (push it again)', 'btn', 'decide-update', function () { var r = edited(); if (r) decide({ decision: 'update', record: r }); }),
      add(el('span'), button('changeAction to', 'btn', 'decide-changeAction', function () {
        var body = { decision: 'changeAction', action: action.value };
        if (action.value !== 'delete') { var r = edited(); if (!r) return; body.record = r; }
        decide(body);
      }), ' ', action, ' (edited record)'),
      button('cancel (keep local, drop the operation)', 'btn', 'decide-cancel', function () { decide({ decision: 'cancel' }); }),
      button('leave unhandled', 'btn', 'decide-unhandled', function () { decide({ decision: 'unhandled' }); }));
    box.appendChild(decisions);
    if (isDelete) ['decide-cancelAndUpdate-server', 'decide-cancelAndUpdate-client', 'decide-cancelAndUpdate-merged', 'decide-update'].forEach(function (id) {
      var b = decisions.querySelector('[data-testid="' + id + '"]'); if (b) b.disabled = true;
    });
    if (!serverCopy) { var s = decisions.querySelector('[data-testid="decide-cancelAndUpdate-server"]'); if (s) s.disabled = true; }
    if (!c.clientRecord) { var m = decisions.querySelector('[data-testid="decide-cancelAndUpdate-client"]'); if (m) m.disabled = true; }
  }

  // ---- session log ----
  function renderLog() {
    var log = clear(byId('log'));
    if (state.actions.length === 0) log.appendChild(el('li', 'empty-line', 'nothing yet'));
    state.actions.forEach(function (label) { log.appendChild(el('li', '', label)); });
    byId('log-summary').textContent = state.actions.length + ' actions · ' + state.steps + ' program steps · ' + state.events + ' history events';
    if (state.stopped) showNotice(state.stopped + ' — undo the last action or reset.', true);
  }

  // ---- checks ----
  function renderChecks(report) {
    lastChecks = report;
    var box = clear(byId('checks'));
    var head = el('div', 'hint');
    head.textContent = (report.mode === 'run'
      ? 'As syncwright run would judge the saved session (network healed, everyone synced): ' + (report.replaysIdentically ? 'the run replays this session identically.' : 'the run did NOT replay this session identically.') + (report.events > report.sessionEvents ? ' Events from #' + report.sessionEvents + ' on are the run’s own settle phase.' : '')
      : 'The history so far, judged on the current state.') + ' ' + (report.valid ? 'Every check passes.' : 'Some checks fail.');
    tid(head, 'checks-summary');
    box.appendChild(head);
    report.checks.forEach(function (check) {
      var node = tid(el('div', 'check ' + (check.valid ? 'ok' : 'fail')), 'check-' + check.checker);
      add(node, el('span', 'name', check.checker), ' ', tid(el('span', 'pill ' + (check.valid ? 'passed' : 'failed'), check.valid ? 'passes' : 'violated'), 'verdict'));
      var explanation = el('div', 'explanation');
      explanation.appendChild(withRefs(timelineCtx, check.explanation));
      node.appendChild(explanation);
      box.appendChild(node);
    });
  }

  // ---- timeline (the report's swimlanes) ----
  function renderTimeline(ctx, holder) {
    var tl = ctx.timeline;
    var lanes = tl.lanes;
    var n = Math.max(lanes.length, 1);
    var scroller = tid(el('div', 'tl'), ctx.prefix + 'timeline');
    scroller.tabIndex = 0;
    scroller.style.setProperty('--lanes', String(n));
    var inner = el('div', 'tl-inner');
    var head = el('div', 'tl-head');
    var headLanes = el('div', 'tl-head-lanes');
    lanes.forEach(function (lane) { headLanes.appendChild(laneLabel(lane)); });
    add(head, el('div', 'tl-time', 't (virtual)'), headLanes);
    inner.appendChild(head);
    var body = el('div', 'tl-body');
    var laneLayer = el('div', 'tl-lanes');
    lanes.forEach(function (lane, i) { laneLayer.appendChild(laneStrip(lane, i, n)); });
    body.appendChild(laneLayer);
    body.appendChild(timelineFlights(tl));
    var lastT = null;
    ctx.rows = {};
    tl.rows.forEach(function (row) {
      var rowNode = timelineRow(row, lastT, renderEvent(ctx, row, lanes), null);
      lastT = row.t;
      rowNode.addEventListener('click', function () { select(ctx, row.seq, false); });
      ctx.rows[row.seq] = { node: rowNode, row: row };
      body.appendChild(rowNode);
    });
    if (tl.rows.length === 0) body.appendChild(el('div', 'empty-state', 'Nothing has happened yet.'));
    inner.appendChild(body);
    scroller.appendChild(inner);
    scroller.addEventListener('keydown', function (event) {
      if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
      event.preventDefault();
      move(ctx, event.key === 'ArrowDown' ? 1 : -1);
    });
    clear(holder).appendChild(scroller);
  }

  function renderEvent(ctx, row, lanes) {
    var badges = row.markers.map(function (m) { return el('span', 'badge ' + m, MARKER_TEXT[m] || m); });
    return timelineEvent(row, Math.max(lanes.length, 1), ctx.prefix + 'event-' + row.seq, badges, []);
  }

  function move(ctx, delta) {
    var seqs = ctx.timeline.rows.map(function (r) { return r.seq; });
    if (seqs.length === 0) return;
    var at = ctx.selected === null ? -1 : seqs.indexOf(ctx.selected);
    var next = Math.max(0, Math.min(seqs.length - 1, at + delta));
    select(ctx, seqs[next], true);
  }

  function select(ctx, seq, scroll) {
    var entry = highlightRow(ctx, seq, scroll);
    if (!entry) return;
    if (ctx.onSelect) ctx.onSelect(entry.row);
    renderDetails(ctx, entry.row);
  }

  function withRefs(ctx, text) {
    var frag = document.createDocumentFragment();
    String(text).split(/(#\d+)/).forEach(function (part) {
      var m = /^#(\d+)$/.exec(part);
      if (m && ctx && ctx.rows[Number(m[1])]) {
        var seq = Number(m[1]);
        frag.appendChild(button('#' + seq, 'ref', null, function () { select(ctx, seq, true); }));
      } else if (part) frag.appendChild(document.createTextNode(part));
    });
    return frag;
  }

  function renderDetails(ctx, row) {
    var panel = clear(ctx.details);
    var ev = eventBySeq(ctx, row.seq) || {};
    add(panel, tid(el('div', 'ev-title', '#' + row.seq + ' ' + row.label), ctx.prefix + 'details-title'),
      el('div', 'ev-meta', 't = ' + fmtTime(row.t) + ' · ' + row.actor + ' · ' + row.kind));
    if (row.citedBy.length) panel.appendChild(el('div', 'ev-meta', 'cited by: ' + row.citedBy.join(', ')));
    panel.appendChild(jsonBlock(ev));
    if (row.snapshot && ev.kind !== 'snapshot') {
      var snap = eventBySeq(ctx, row.snapshot.seq);
      if (snap) {
        panel.appendChild(el('h4', '', 'State from ' + (row.snapshot.relation === 'after' ? 'the first snapshot after' : 'the latest snapshot before') + ' (#' + snap.seq + ' “' + snap.label + '”)'));
        panel.appendChild(renderSnapshot(snap));
      }
    } else if (ev.kind === 'snapshot') {
      panel.appendChild(renderSnapshot(ev));
    }
  }

  function renderSnapshot(snap) {
    var box = tid(el('div', 'ce-state'), 'snapshot-state');
    var table = state ? mainTable() : null;
    keysOf(snap.clients).forEach(function (name) {
      var c = snap.clients[name] || {};
      keysOf(c.tables).forEach(function (t) {
        add(box, el('h4', '', name + ' · ' + t + ' (' + (c.tables[t] || []).length + ' rows, ' + (c.operations || []).length + ' pending)'),
          add(tid(el('div'), 'snapshot-' + name), recordsTable(c.tables[t] || [], table && table.name === t ? table : null, 'snap-row-', [], null, null)));
      });
    });
    keysOf(snap.server).forEach(function (t) {
      add(box, el('h4', '', 'server · ' + t), add(tid(el('div'), 'snapshot-server'), recordsTable(snap.server[t] || [], table && table.name === t ? table : null, 'snap-server-row-', ['deleted'], null, null)));
    });
    return box;
  }

  function loadTimeline() {
    if (!state || state.revision === timelineRevision) return;
    var wanted = state.revision;
    api('GET', '/timeline').then(function (data) {
      timelineRevision = wanted;
      var selected = timelineCtx ? timelineCtx.selected : null;
      timelineCtx = { prefix: '', timeline: data.timeline, history: data.history, rows: {}, selected: null, details: byId('details') };
      renderTimeline(timelineCtx, byId('timeline'));
      var rows = data.timeline.rows;
      var last = rows.length ? rows[rows.length - 1].seq : null;
      if (selected !== null && timelineCtx.rows[selected]) select(timelineCtx, selected, false);
      else if (last !== null) { var scroller = byId('timeline').firstChild; if (scroller) scroller.scrollTop = scroller.scrollHeight; }
      if (lastChecks) renderChecks(lastChecks);
    }, function () { /* the next state update tries again */ });
  }

  // ---- counterexamples ----
  function openResults(file) {
    var reader = new FileReader();
    reader.onload = function () {
      api('POST', '/counterexamples', String(reader.result), true).then(function (data) {
        counterexamples = data.counterexamples;
        ceCtx = null;
        renderCounterexamples();
        showNotice(counterexamples.length === 0 ? 'That results file holds no counterexample.' : 'Opened ' + counterexamples.length + ' counterexample' + (counterexamples.length === 1 ? '' : 's') + '.', false);
      }, function (error) { showNotice(error.message, true); });
    };
    reader.readAsText(file);
  }

  function renderCounterexamples() {
    var section = byId('ce-section');
    section.hidden = counterexamples.length === 0;
    var list = clear(byId('ce-list'));
    counterexamples.forEach(function (ce, i) {
      var violated = ce.checks.filter(function (c) { return !c.valid; }).map(function (c) { return c.checker; });
      list.appendChild(button(ce.name + ' · ' + ce.client + ' · ' + (violated.join(', ') || ce.status) + ' · ' + ce.history.length + ' events', 'btn', 'ce-' + i, function () { openCounterexample(i); }));
    });
    if (counterexamples.length > 0 && !ceCtx) openCounterexample(0);
  }

  function openCounterexample(i) {
    var ce = counterexamples[i];
    var box = clear(byId('ce-view'));
    var position = tid(el('span', 'mono'), 'ce-position');
    var bar = add(el('div', 'ce-bar'), el('b', '', ce.name), el('span', 'hint', ce.replayCommand),
      button('◀ previous event', 'btn', 'ce-prev', function () { move(ceCtx, -1); }),
      button('next event ▶', 'btn', 'ce-next', function () { move(ceCtx, 1); }), position);
    var checks = el('div', 'checks-list');
    var grid = el('div', 'tl-wrap');
    var tl = el('div');
    var details = tid(el('div', 'card details'), 'ce-event');
    add(grid, tl, details);
    add(box, bar, checks, grid);
    ceCtx = { prefix: 'ce-', timeline: ce.timeline, history: ce.history, rows: {}, selected: null, details: details };
    ceCtx.onSelect = function (row) {
      var index = ce.timeline.rows.indexOf(row);
      position.textContent = 'event ' + (index + 1) + ' of ' + ce.timeline.rows.length + ' (#' + row.seq + ')';
    };
    renderTimeline(ceCtx, tl);
    var passing = ce.checks.filter(function (check) { return check.valid; }).map(function (check) { return check.checker; });
    if (passing.length) checks.appendChild(tid(el('div', 'passing-checks', '✓ ' + passing.join(', ') + ' pass'), 'ce-passing'));
    ce.checks.filter(function (check) { return !check.valid; }).forEach(function (check) {
      var node = tid(el('div', 'check ' + (check.valid ? 'ok' : 'fail')), 'ce-check-' + check.checker);
      add(node, el('span', 'name', check.checker), ' ', el('span', 'pill ' + (check.valid ? 'passed' : 'failed'), check.valid ? 'passes' : 'violated'));
      var explanation = el('div', 'explanation');
      explanation.appendChild(withRefs(ceCtx, check.explanation));
      node.appendChild(explanation);
      checks.appendChild(node);
    });
    if (ce.timeline.rows.length) select(ceCtx, ce.timeline.rows[0].seq, false);
  }

  // ---- state ----
  function renderAll() {
    renderHeader();
    renderConflict();
    renderClients();
    renderLinks();
    renderLog();
  }

  function applyState(view) {
    if (state && view.revision < state.revision) return;
    var fresh = !state || view.revision !== state.revision;
    state = view;
    renderAll();
    if (fresh && view.notice) showNotice(view.notice, false);
    document.documentElement.setAttribute('data-revision', String(view.revision));
    loadTimeline();
  }

  function connect() {
    var source = new EventSource('/api/events');
    source.addEventListener('state', function (event) {
      try { applyState(JSON.parse(event.data)); } catch (e) { showNotice('Could not read an update: ' + e.message, true); }
    });
    source.onerror = function () { showNotice('Lost the connection to the explorer; retrying…', true); };
    source.onopen = function () { if (byId('notice').className.indexOf('error') >= 0 && /connection/.test(byId('notice').textContent)) showNotice('', false); };
  }

  function wireHeader() {
    byId('step').addEventListener('click', function () { quietly(act('POST', '/time', { type: 'step' })); });
    byId('run-until-idle').addEventListener('click', function () { quietly(act('POST', '/time', { type: 'run-until-idle' })); });
    byId('advance').addEventListener('click', function () { quietly(act('POST', '/time', { type: 'advance', ms: Number(byId('advance-ms').value) })); });
    byId('sync-all').addEventListener('click', function () { quietly(act('POST', '/world', { type: 'sync' })); });
    byId('heal').addEventListener('click', function () { quietly(act('POST', '/world', { type: 'heal' })); });
    byId('undo').addEventListener('click', function () { quietly(act('POST', '/undo', {})); });
    byId('reset').addEventListener('click', function () { if (window.confirm('Start over with an empty session?')) quietly(act('POST', '/reset', {})); });
    byId('add-client').addEventListener('click', function () { quietly(act('POST', '/clients', { policy: byId('add-policy').value })); });
    byId('check-now').addEventListener('click', function () { api('POST', '/check', { mode: 'now' }).then(renderChecks, function (e) { showNotice(e.message, true); }); });
    byId('check-run').addEventListener('click', function () { api('POST', '/check', { mode: 'run' }).then(renderChecks, function (e) { showNotice(e.message, true); }); });
    byId('save').addEventListener('click', function () {
      var name = byId('save-name').value.trim() || 'explorer-session';
      api('POST', '/save', { name: name, overwrite: true }).then(function (data) {
        if (data.file) { showNotice('Saved to ' + data.file + ' — replay it with: npx syncwright run ' + data.file, false); return; }
        var blob = new Blob([JSON.stringify(data.scenario, null, 2) + '\n'], { type: 'application/json' });
        var link = el('a');
        link.href = URL.createObjectURL(blob);
        link.download = name + '.json';
        document.body.appendChild(link);
        link.click();
        document.body.removeChild(link);
        showNotice('Downloaded ' + name + '.json — replay it with: npx syncwright run ' + name + '.json', false);
      }, function (e) { showNotice(e.message, true); });
    });
    byId('open-results').addEventListener('change', function (event) {
      var files = event.target.files;
      if (files && files[0]) openResults(files[0]);
      event.target.value = '';
    });
  }

  try {
    wireHeader();
    api('GET', '/counterexamples').then(function (data) { counterexamples = data.counterexamples; renderCounterexamples(); }, function () { /* none */ });
    api('GET', '/state').then(function (view) {
      applyState(view);
      connect();
      document.documentElement.setAttribute('data-ready', 'yes');
    }, function (error) { showNotice('The explorer is not answering: ' + error.message, true); });
  } catch (error) {
    showNotice('The page could not start: ' + (error && error.message ? error.message : String(error)), true);
  }
})();
`;
