/**
 * The report page's only script, inlined and pinned by a CSP hash. It reads the embedded JSON
 * model and builds the DOM with createElement/textContent only: run data never reaches
 * innerHTML, an href, or an event-handler attribute. Plain ES2017, no template literals (this
 * is itself a template string), no dependencies. The DOM helpers, number formatting and the
 * timeline drawing it shares with the explorer come from `browser-helpers.ts`.
 */
import { BROWSER_HELPERS } from './browser-helpers.js';

export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var dataNode = document.getElementById('report-data');
  var model = JSON.parse((dataNode && dataNode.textContent) || '{}');
  var app = document.getElementById('app');
  var verdictNode = document.getElementById('verdict');
  var versionNode = document.getElementById('tool-version');
${BROWSER_HELPERS}
  // ---- formatting ----
  function fmtDuration(ms) {
    if (typeof ms !== 'number' || !isFinite(ms) || ms < 0) return '–';
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
    var total = Math.round(ms / 1000);
    var sec = total % 60;
    return Math.floor(total / 60) + ' min ' + (sec < 10 ? '0' : '') + sec + ' s';
  }
  function plural(n, one, many) { return fmtCount(n) + ' ' + (n === 1 ? one : (many || one + 's')); }
  var STATUS_TEXT = { passed: 'passed', failed: 'failed', 'expected-failure': 'expected failure', 'unexpected-pass': 'unexpected pass', error: 'error' };
  function pill(status) {
    var known = has(STATUS_TEXT, status);
    var node = el('span', 'pill ' + (known ? status : 'error'), known ? STATUS_TEXT[status] : String(status));
    return tid(node, 'status');
  }
  function valueNode(value) {
    if (value === undefined) return el('span', 'absent', '—');
    if (value === null) return el('span', 'v-null', 'null');
    if (typeof value === 'string') return el('span', 'v-str', value);
    if (typeof value === 'number') return el('span', 'v-num', String(value));
    if (typeof value === 'boolean') return el('span', 'v-bool', String(value));
    return el('span', '', JSON.stringify(value));
  }
  function bodyBlock(text) {
    if (text === undefined || text === null) return el('div', 'hint', 'no body');
    if (text === '') return el('div', 'hint', '(empty body)');
    try { return jsonBlock(JSON.parse(text)); } catch (e) { return el('pre', 'json', text); }
  }
  function kvTable(pairs) {
    var table = el('table', 'kv');
    pairs.forEach(function (pair) {
      if (pair[1] === undefined) return;
      var tr = el('tr');
      var td = el('td');
      add(td, pair[1] !== null && typeof pair[1] === 'object' && pair[1].nodeType ? pair[1] : valueNode(pair[1]));
      add(tr, el('th', '', pair[0]), td);
      table.appendChild(tr);
    });
    return table;
  }
  function headersTable(headers) {
    var names = keysOf(headers).sort();
    if (names.length === 0) return el('div', 'hint', 'no headers');
    return kvTable(names.map(function (name) { return [name, String(headers[name])]; }));
  }
  function columnsOf(rows) {
    var seen = [];
    rows.forEach(function (row) { keysOf(row).forEach(function (k) { if (seen.indexOf(k) < 0) seen.push(k); }); });
    var tail = ['createdAt', 'updatedAt', 'version', 'deleted'];
    var head = seen.indexOf('id') >= 0 ? ['id'] : [];
    return head.concat(seen.filter(function (k) { return k !== 'id' && tail.indexOf(k) < 0; }), tail.filter(function (k) { return seen.indexOf(k) >= 0; }));
  }
  function rowsTable(rows) {
    if (!rows || rows.length === 0) return el('div', 'hint', 'no rows');
    var columns = columnsOf(rows);
    var table = el('table', 'data');
    var head = el('tr');
    columns.forEach(function (c) { head.appendChild(el('th', '', c)); });
    table.appendChild(head);
    rows.forEach(function (row) {
      var tr = el('tr');
      columns.forEach(function (c) { add(tr, add(el('td'), valueNode(has(row, c) ? row[c] : undefined))); });
      table.appendChild(tr);
    });
    return add(el('div', 'scroll-x'), table);
  }
  function opsTable(ops) {
    if (!ops || ops.length === 0) return el('div', 'hint', 'queue is empty');
    var table = el('table', 'data');
    var head = el('tr');
    ['#', 'action', 'table', 'item', 'state'].forEach(function (c) { head.appendChild(el('th', '', c)); });
    table.appendChild(head);
    ops.forEach(function (op) {
      var tr = el('tr', op && op.locked ? 'locked' : '');
      add(tr, el('td', '', op.id), el('td', '', op.action), el('td', '', op.table), el('td', '', op.itemId), el('td', '', op.locked ? 'locked (being pushed)' : 'pending'));
      table.appendChild(tr);
    });
    return table;
  }
  function compareRecords(leftName, left, rightName, right) {
    var rows = [left || {}, right || {}];
    var columns = columnsOf(rows);
    var table = el('table', 'data');
    add(table, add(el('tr'), el('th', '', 'field'), el('th', '', leftName), el('th', '', rightName)));
    columns.forEach(function (c) {
      var a = has(left, c) ? left[c] : undefined;
      var b = has(right, c) ? right[c] : undefined;
      var differs = JSON.stringify(a) !== JSON.stringify(b);
      var tr = el('tr');
      add(tr, el('th', '', c), add(el('td', differs ? 'diff' : ''), left ? valueNode(a) : el('span', 'absent', 'none')), add(el('td', differs ? 'diff' : ''), right ? valueNode(b) : el('span', 'absent', 'none')));
      table.appendChild(tr);
    });
    return add(el('div', 'scroll-x'), table);
  }

  // ---- header and summary ----
  function renderHeader() {
    var s = model.summary;
    var failing = s.scenarios - s.byStatus.passed - s.byStatus['expected-failure'];
    verdictNode.textContent = s.ok ? 'All ' + plural(s.scenarios, 'scenario') + ' passed' : plural(failing, 'scenario') + ' failing';
    verdictNode.className = 'verdict ' + (s.ok ? 'ok' : 'fail');
    tid(verdictNode, 'verdict');
    versionNode.textContent = model.tool.name + ' ' + model.tool.version;
    document.title = (s.ok ? '✓ ' : '✗ ') + 'syncwright report — ' + (s.ok ? 'passed' : failing + ' failing');
  }

  function stat(value, label, tone) {
    return add(el('div', 'card stat' + (tone ? ' ' + tone : '')), el('div', 'value', value), el('div', 'label', label));
  }

  function renderSummary() {
    var s = model.summary;
    var section = tid(el('section'), 'summary');
    add(section, el('h2', 'section-title', 'Summary'));
    var stats = el('div', 'stats');
    add(stats,
      stat(fmtCount(s.scenarios), 'scenarios'),
      stat(fmtCount(s.runs), 'runs'),
      stat(fmtCount(s.byStatus.passed), 'passed', 'ok'),
      stat(fmtCount(s.byStatus.failed + s.byStatus['unexpected-pass']), 'failed', s.byStatus.failed + s.byStatus['unexpected-pass'] > 0 ? 'fail' : ''),
      s.byStatus.error > 0 ? stat(fmtCount(s.byStatus.error), 'errors', 'fail') : null,
      s.byStatus['expected-failure'] > 0 ? stat(fmtCount(s.byStatus['expected-failure']), 'expected failures') : null,
      stat(String(model.seed), 'seed'),
      stat(fmtDuration(model.durationMs), 'duration'));
    section.appendChild(stats);
    var meta = el('div', 'meta-line');
    add(meta, el('span', '', 'client: ' + model.client), el('span', '', 'started ' + model.startedAt));
    if (model.shard) add(meta, el('span', '', 'shard ' + model.shard.index + ' of ' + model.shard.total));
    if (s.weakScenarios > 0) add(meta, el('span', '', plural(s.weakScenarios, 'scenario') + ' with weak coverage'));
    section.appendChild(meta);
    if (s.coverage.length > 0) {
      var cov = add(el('div', 'card coverage-card'), el('h3', 'section-title', 'Coverage (summed over all runs)'));
      var chips = tid(el('div', 'chips'), 'coverage');
      s.coverage.forEach(function (entry) { chips.appendChild(chip(entry[0], entry[1])); });
      cov.appendChild(chips);
      cov.style.marginTop = '12px';
      section.appendChild(cov);
    }
    app.appendChild(section);
  }

  function chip(name, count) {
    return add(el('span', 'chip' + (count === 0 ? ' zero' : '')), el('span', '', name), el('b', '', fmtCount(count)));
  }

  function renderScenarioTable() {
    var section = el('section');
    add(section, el('h2', 'section-title', 'Scenarios'));
    var card = el('div', 'card scroll-x');
    var table = tid(el('table', 'grid'), 'scenario-table');
    var head = el('tr');
    ['Status', 'Scenario', 'Client', 'Runs', 'Seed', 'Duration', 'Coverage', 'Weak', ''].forEach(function (h) { head.appendChild(el('th', '', h)); });
    table.appendChild(head);
    model.scenarios.forEach(function (sc) {
      var tr = tid(el('tr'), 'scenario-' + sc.index);
      var nameCell = el('td');
      add(nameCell, el('div', 'scenario-name', sc.name), el('div', 'scenario-file', sc.file), sc.description ? el('div', 'scenario-desc', sc.description) : null);
      if (sc.droppedWrites.length > 0) {
        var dropped = tid(el('div', 'chips'), 'scenario-dropped');
        add(dropped, el('span', 'hint', 'Dropped writes: '));
        sc.droppedWrites.forEach(function (d) { dropped.appendChild(el('span', 'chip', d)); });
        nameCell.appendChild(dropped);
      }
      var covCell = el('td');
      // Zero counters are noise in a row; the ones that matter are in the Weak column.
      var chips = tid(el('div', 'chips'), 'scenario-coverage');
      var zeros = 0;
      sc.coverage.forEach(function (entry) { if (entry[1] === 0) zeros++; else chips.appendChild(chip(entry[0], entry[1])); });
      if (zeros > 0) chips.appendChild(el('span', 'chip zero', '+' + zeros + ' at 0'));
      covCell.appendChild(chips);
      var weakCell = el('td');
      var weak = el('div', 'chips');
      sc.weak.forEach(function (w) { weak.appendChild(el('span', 'chip weak', w)); });
      weakCell.appendChild(weak);
      var action = el('td');
      if (sc.failure || sc.error || sc.status === 'unexpected-pass') {
        var b = tid(el('button', 'link-button', sc.failure ? 'counterexample ↓' : 'details ↓'), 'goto-failure-' + sc.index);
        b.type = 'button';
        b.addEventListener('click', function () { openFailure(sc.index, true); });
        action.appendChild(b);
      }
      add(tr, add(el('td'), pill(sc.status)), nameCell, el('td', 'mono', sc.client), el('td', 'num', fmtCount(sc.runs)),
        el('td', 'num mono', String(sc.seed)), el('td', 'num', fmtDuration(sc.durationMs)), covCell, weakCell, action);
      table.appendChild(tr);
    });
    if (model.scenarios.length === 0) add(table, add(el('tr'), add(el('td', 'empty-state', 'No scenarios ran.'))));
    add(section, add(card, table));
    app.appendChild(section);
  }

  // ---- failures ----
  var failureNodes = {};

  function openFailure(index, scroll) {
    var node = failureNodes[index];
    if (!node) return;
    node.open = true;
    ensureRendered(index);
    if (scroll) node.scrollIntoView({ block: 'start' });
  }

  function ensureRendered(index) {
    var node = failureNodes[index];
    if (!node || node.getAttribute('data-rendered') === 'yes') return;
    node.setAttribute('data-rendered', 'yes');
    var sc = model.scenarios[index];
    node.appendChild(renderFailureBody(sc));
  }

  function renderFailures() {
    var list = model.scenarios.filter(function (sc) { return sc.failure || sc.error || sc.status === 'unexpected-pass'; });
    if (list.length === 0) return;
    var section = tid(el('section'), 'failures');
    add(section, el('h2', 'section-title', 'Failures and counterexamples'));
    list.forEach(function (sc) {
      var details = tid(el('details', 'card failure'), 'counterexample-' + sc.index);
      details.id = 'failure-' + sc.index;
      var summary = tid(el('summary'), 'open-counterexample-' + sc.index);
      var violated = sc.failure ? sc.failure.checks.filter(function (c) { return !c.valid; }).map(function (c) { return c.checker; }) : [];
      var headline = sc.failure
        ? (violated.length ? violated.join(', ') + ' violated' : sc.failure.stopped ? 'never settled' : 'failed') + ' · seed ' + sc.failure.seed + (sc.failure.path ? ' · path ' + sc.failure.path : '') +
          ' · ' + plural(sc.failure.shrinks, 'shrink') + (sc.failure.size !== null ? ' · ' + plural(sc.failure.size, 'step') : '') + ' · ' + plural(sc.failure.history.length, 'event')
        : sc.status === 'unexpected-pass' ? 'expected to fail, but all ' + plural(sc.runs, 'run') + ' passed' : 'the scenario could not run';
      add(summary, pill(sc.status), el('span', 'scenario-name', sc.name), el('span', 'headline', headline));
      details.appendChild(summary);
      details.addEventListener('toggle', function () { if (details.open) ensureRendered(sc.index); });
      failureNodes[sc.index] = details;
      section.appendChild(details);
    });
    app.appendChild(section);
  }

  function renderFailureBody(sc) {
    var body = el('div', 'failure-body');
    if (sc.description) body.appendChild(el('p', 'hint', sc.description));
    if (sc.error) {
      add(body, el('h3', 'block-title', 'Error'), tid(el('pre', 'error-text', sc.error), 'scenario-error'));
    }
    if (sc.status === 'unexpected-pass' && !sc.failure) {
      add(body, el('p', '', 'This scenario is marked as expected to fail (a known finding), but all ' + plural(sc.runs, 'run') + ' passed. If the finding is fixed, remove the mark.'));
    }
    var f = sc.failure;
    if (!f) return body;
    var ctx = { timeline: f.timeline, history: f.history, rows: {}, selected: null, details: null };
    if (f.stopped) {
      add(body, el('h3', 'block-title', 'The run never settled'), tid(el('pre', 'error-text', f.stopped), 'stopped'));
    }
    if (sc.timings && (sc.timings.firstFailureMs !== null || sc.timings.shrunkMs !== null)) {
      var found = [];
      if (sc.timings.firstFailureMs !== null) found.push('first failing run after ' + fmtDuration(sc.timings.firstFailureMs));
      if (sc.timings.shrunkMs !== null) found.push('shrunk after ' + fmtDuration(sc.timings.shrunkMs));
      body.appendChild(el('p', 'hint', found.join(' · ')));
    }

    add(body, el('h3', 'block-title', 'Timeline of the shrunk counterexample'));
    var legend = el('div', 'legend');
    add(legend, el('span', 'l-conflict', 'conflict'), el('span', 'l-decision', 'handler decision'), el('span', 'l-fault', 'fault'),
      el('span', 'l-ok', 'success'), el('span', 'l-snapshot', 'snapshot'), el('span', 'l-cited', 'cited by a violated check'));
    body.appendChild(legend);
    var grid = tid(el('div', 'ce-grid'), 'timeline-section');
    var detailsPanel = tid(el('aside', 'card details'), 'event-details');
    ctx.details = detailsPanel;
    add(grid, renderTimeline(ctx), detailsPanel);
    body.appendChild(grid);
    showEmptyDetails(ctx);

    add(body, el('h3', 'block-title', 'Checks'));
    var checks = tid(el('div'), 'checks');
    var held = el('div', 'chips held');
    f.checks.forEach(function (check) {
      if (check.valid) held.appendChild(tid(el('span', 'chip ok', '✓ ' + check.checker), 'check-passed'));
      else checks.appendChild(renderCheck(ctx, check));
    });
    if (held.childNodes.length) add(checks, add(el('div', 'held-line'), el('span', 'hint', 'Held: '), held));
    if (f.checks.length === 0) checks.appendChild(el('div', 'hint', 'No check results recorded.'));
    body.appendChild(checks);

    add(body, el('h3', 'block-title', 'Expected (server) vs actual (client) tables'));
    var diffs = tid(el('div'), 'table-diff');
    f.tables.forEach(function (t, i) { diffs.appendChild(renderTableDiff(t, i)); });
    if (f.tables.length === 0) diffs.appendChild(el('div', 'hint', 'No table differences recorded.'));
    body.appendChild(diffs);

    add(body, el('h3', 'block-title', 'Replay this run'));
    var replay = el('div', 'replay');
    var cmd = tid(el('pre', 'mono', f.replayCommand), 'replay-command');
    var copy = tid(el('button', 'btn', 'Copy'), 'copy-replay');
    copy.type = 'button';
    copy.addEventListener('click', function () { copyText(f.replayCommand, copy, cmd); });
    add(replay, cmd, copy);
    body.appendChild(replay);

    var program = el('details', 'raw');
    add(program, el('summary', '', 'Shrunk program (' + plural(f.shrinks, 'shrink step') + ')'), jsonBlock(f.program));
    body.appendChild(program);

    var first = null;
    f.timeline.rows.forEach(function (row) { if (first === null && row.citedBy.length > 0) first = row.seq; });
    if (first !== null) select(ctx, first, false);
    return body;
  }

  function copyText(text, button, source) {
    function done(ok) {
      button.textContent = ok ? 'Copied' : 'Press Ctrl+C';
      if (!ok) {
        var range = document.createRange();
        range.selectNodeContents(source);
        var sel = window.getSelection();
        if (sel) { sel.removeAllRanges(); sel.addRange(range); }
      }
      setTimeout(function () { button.textContent = 'Copy'; }, 2000);
    }
    function fallback() {
      var area = el('textarea', 'offscreen');
      area.value = text;
      area.setAttribute('readonly', '');
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(area);
      return ok;
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallback()); });
    } else {
      done(fallback());
    }
  }

  // ---- timeline ----
  function renderTimeline(ctx) {
    var tl = ctx.timeline;
    var lanes = tl.lanes;
    var n = Math.max(lanes.length, 1);
    var scroller = tid(el('div', 'tl'), 'timeline');
    scroller.tabIndex = 0;
    scroller.setAttribute('aria-label', 'Timeline; arrow keys move between events');
    scroller.style.setProperty('--lanes', String(n));
    var inner = el('div', 'tl-inner');
    var head = el('div', 'tl-head');
    var headLanes = el('div', 'tl-head-lanes');
    lanes.forEach(function (lane) {
      var label = tid(laneLabel(lane), 'lane-label-' + lane.id);
      label.title = lane.id;
      headLanes.appendChild(label);
    });
    add(head, el('div', 'tl-time', 't (virtual)'), headLanes);
    inner.appendChild(head);

    var bodyNode = el('div', 'tl-body');
    var laneLayer = el('div', 'tl-lanes');
    lanes.forEach(function (lane, i) { laneLayer.appendChild(tid(laneStrip(lane, i, n), 'lane-' + lane.id)); });
    bodyNode.appendChild(laneLayer);
    bodyNode.appendChild(timelineFlights(tl));

    var lastT = null;
    tl.rows.forEach(function (row) {
      var flag = null;
      if (row.citedBy.length) {
        flag = el('span', 'cite-flag');
        flag.title = 'cited by ' + row.citedBy.join(', ');
      }
      var rowNode = timelineRow(row, lastT, renderEvent(row, lanes), flag);
      lastT = row.t;
      rowNode.addEventListener('click', function () { select(ctx, row.seq, false); });
      ctx.rows[row.seq] = { node: rowNode, row: row };
      bodyNode.appendChild(rowNode);
    });
    if (tl.rows.length === 0) bodyNode.appendChild(el('div', 'empty-state', 'The history is empty.'));
    inner.appendChild(bodyNode);
    scroller.appendChild(inner);
    scroller.addEventListener('keydown', function (event) {
      var key = event.key;
      if (key !== 'ArrowDown' && key !== 'ArrowUp' && key !== 'j' && key !== 'k') return;
      var seqs = tl.rows.map(function (r) { return r.seq; });
      var at = ctx.selected === null ? -1 : seqs.indexOf(ctx.selected);
      var next = key === 'ArrowDown' || key === 'j' ? Math.min(at + 1, seqs.length - 1) : Math.max(at - 1, 0);
      if (next >= 0 && next < seqs.length) { event.preventDefault(); select(ctx, seqs[next], true); }
    });
    return scroller;
  }

  function badges(row) {
    return row.markers.map(function (m) {
      return tid(el('span', 'badge ' + m, MARKER_TEXT[m] || m), m + '-marker');
    });
  }

  function renderEvent(row, lanes) {
    var shape = row.shape;
    var vias = shape.shape !== 'arrow' ? [] : lanesBetween(shape.from, shape.to).filter(function (via) { return lanes[via] && lanes[via].kind === 'network'; });
    return timelineEvent(row, Math.max(lanes.length, 1), 'event-' + row.seq, badges(row), vias);
  }

  function lanesBetween(a, b) {
    var out = [];
    for (var i = Math.min(a, b) + 1; i < Math.max(a, b); i++) out.push(i);
    return out;
  }

  function select(ctx, seq, scroll) {
    var entry = highlightRow(ctx, seq, scroll);
    if (entry) renderDetails(ctx, entry.row);
  }

  function refButton(ctx, seq) {
    var b = el('button', 'ref', '#' + seq);
    b.type = 'button';
    b.addEventListener('click', function (event) { event.stopPropagation(); select(ctx, seq, true); });
    return b;
  }

  /** Text with '#12'-style references turned into buttons that select the event. */
  function withRefs(ctx, text) {
    var frag = document.createDocumentFragment();
    String(text).split(/(#\d+)/).forEach(function (part) {
      var m = /^#(\d+)$/.exec(part);
      if (m && ctx.rows[Number(m[1])]) frag.appendChild(refButton(ctx, Number(m[1])));
      else if (part) frag.appendChild(document.createTextNode(part));
    });
    return frag;
  }

  function showEmptyDetails(ctx) {
    ctx.details.textContent = '';
    ctx.details.appendChild(el('div', 'empty', 'Click an event on the timeline to see its records, headers and the operation queue at that moment.'));
  }

  function section(panel, title) { panel.appendChild(el('h4', '', title)); }

  function renderDetails(ctx, row) {
    var panel = ctx.details;
    panel.textContent = '';
    var ev = eventBySeq(ctx, row.seq) || {};
    add(panel, tid(el('div', 'ev-title', '#' + row.seq + ' ' + row.label), 'details-title'));
    add(panel, el('div', 'ev-meta', 't = ' + fmtTime(row.t) + ' · ' + row.actor + ' · ' + row.kind));
    if (row.citedBy.length) add(panel, el('div', 'ev-meta', 'cited by: ' + row.citedBy.join(', ')));
    switch (ev.kind) {
      case 'invoke':
        section(panel, 'Operation'); panel.appendChild(jsonBlock(ev.op)); break;
      case 'ok':
        if (ev.value !== undefined) { section(panel, 'Returned'); panel.appendChild(jsonBlock(ev.value)); }
        break;
      case 'fail':
      case 'info':
        section(panel, ev.kind === 'info' ? 'Outcome unknown' : 'Error'); panel.appendChild(el('pre', 'json', ev.error)); break;
      case 'http-request':
        section(panel, 'Request');
        panel.appendChild(kvTable([['method', ev.request && ev.request.method], ['url', ev.request && ev.request.url], ['link', ev.link], ['request id', ev.requestId]]));
        section(panel, 'Headers'); panel.appendChild(headersTable(ev.request && ev.request.headers));
        section(panel, 'Body'); panel.appendChild(bodyBlock(ev.request && ev.request.body));
        break;
      case 'http-response':
        section(panel, 'Response');
        panel.appendChild(kvTable([['status', ev.response && ev.response.status], ['latency', ev.latencyMs + ' ms'], ['link', ev.link], ['request id', ev.requestId]]));
        section(panel, 'Headers'); panel.appendChild(headersTable(ev.response && ev.response.headers));
        section(panel, 'Body'); panel.appendChild(bodyBlock(ev.response && ev.response.body));
        break;
      case 'http-failure':
        section(panel, 'No answer reached the client');
        panel.appendChild(kvTable([['failure', ev.failure], ['applied on server', ev.applied], ['after', ev.latencyMs + ' ms'], ['link', ev.link], ['request id', ev.requestId]]));
        break;
      case 'fault':
        section(panel, 'Fault');
        panel.appendChild(kvTable([['fault', ev.fault], ['link', ev.link]]));
        if (ev.detail !== undefined) panel.appendChild(jsonBlock(ev.detail));
        break;
      case 'handler-call':
        section(panel, ev.handler + ' called');
        panel.appendChild(kvTable([['table', ev.table], ['action', ev.action], ['item', ev.itemId], ['status', ev.status], ['error', ev.error]]));
        section(panel, 'Records given to the handler');
        panel.appendChild(compareRecords('client record', ev.clientRecord, 'server record', ev.serverRecord));
        break;
      case 'handler-decision':
        section(panel, 'Handler decision');
        panel.appendChild(kvTable([['decision', ev.decision], ['isHandled', ev.isHandled], ['action', ev.action], ['error', ev.error]]));
        if (ev.record !== undefined) { section(panel, 'Record'); panel.appendChild(jsonBlock(ev.record)); }
        break;
      case 'restart':
        panel.appendChild(kvTable([['client', ev.client], ['mid-operation', ev.midOperation]])); break;
      case 'partition':
        panel.appendChild(kvTable([['client', ev.client], ['offline', ev.offline]])); break;
      case 'snapshot':
        renderSnapshot(panel, ev, null); break;
      case 'note':
        panel.appendChild(el('p', '', ev.text)); break;
      default:
        break;
    }
    if (row.related.length) {
      section(panel, 'Related events');
      var rel = el('div', 'chips');
      row.related.forEach(function (seq) {
        var other = ctx.rows[seq];
        var holder = el('div');
        add(holder, refButton(ctx, seq), ' ', other ? other.row.label : '');
        rel.appendChild(holder);
      });
      panel.appendChild(rel);
    }
    if (row.snapshot && ev.kind !== 'snapshot') {
      var snap = eventBySeq(ctx, row.snapshot.seq);
      if (snap) {
        var where = row.snapshot.relation === 'after' ? 'the first snapshot after it' : 'the latest snapshot before it';
        section(panel, 'State at this moment');
        var note = el('div', 'hint');
        add(note, 'From ' + where + ': ', refButton(ctx, snap.seq), ' “' + snap.label + '” at ' + fmtTime(snap.t) + '.');
        panel.appendChild(note);
        renderSnapshot(panel, snap, row.client);
      }
    }
    var raw = el('details', 'raw');
    add(raw, el('summary', '', 'Raw event JSON'), jsonBlock(ev));
    panel.appendChild(raw);
  }

  function renderSnapshot(panel, snap, focus) {
    var clients = keysOf(snap.clients);
    var shown = focus && has(snap.clients, focus) ? [focus] : clients;
    shown.forEach(function (name) {
      var c = snap.clients[name] || {};
      var box = tid(el('div'), 'snapshot-client');
      add(box, el('h4', '', name + ' · operation queue (' + ((c.operations || []).length) + ')'), opsTable(c.operations));
      keysOf(c.tables).forEach(function (table) {
        add(box, el('h4', '', name + ' · local ' + table + ' (' + plural((c.tables[table] || []).length, 'row') + ')'), rowsTable(c.tables[table]));
      });
      panel.appendChild(box);
    });
    keysOf(snap.server).forEach(function (table) {
      add(panel, el('h4', '', 'server · ' + table + ' (' + plural((snap.server[table] || []).length, 'row') + ', deleted included)'), rowsTable(snap.server[table]));
    });
  }

  function renderCheck(ctx, check) {
    var box = tid(el('div', 'check'), 'check-violated');
    add(box, el('span', 'name', check.checker), ' ', el('span', '', '✗ violated'));
    var explanation = tid(el('div', 'explanation'), 'check-explanation');
    explanation.appendChild(withRefs(ctx, check.explanation));
    box.appendChild(explanation);
    if (!check.violations || check.violations.length === 0) return box;
    var ul = el('ul');
    check.violations.forEach(function (v) {
      var li = el('li');
      li.appendChild(withRefs(ctx, v.message));
      if (v.events && v.events.length) {
        add(li, ' — events ');
        v.events.forEach(function (seq) { add(li, ctx.rows[seq] ? refButton(ctx, seq) : el('span', 'mono', '#' + seq), ' '); });
      }
      ul.appendChild(li);
    });
    box.appendChild(ul);
    return box;
  }

  function renderTableDiff(view, index) {
    var wrap = tid(el('div', 'diff-table'), 'table-diff-' + index);
    var caption = el('div', 'caption');
    var c = view.counts;
    var differs = c.changed + c.missing + c.extra > 0;
    add(caption, el('b', '', view.client), ' · ', el('b', '', view.table), ' — ',
      differs
        ? [c.changed + ' changed', c.missing + ' missing on the client', c.extra + ' extra on the client', c.same + ' identical'].join(', ')
        : 'matches the server (' + plural(c.same, 'row') + ')');
    wrap.appendChild(caption);
    var table = el('table', 'data');
    table.hidden = !differs;
    var head = el('tr');
    add(head, el('th', '', ''), el('th', '', 'side'));
    view.columns.forEach(function (col) { head.appendChild(el('th', '', col)); });
    table.appendChild(head);
    var hidden = [];
    view.rows.forEach(function (r) {
      var statusText = { same: 'same', changed: 'differs', missing: 'missing', extra: 'extra' }[r.status];
      var sides = [];
      if (r.expected) sides.push(['expected', 'server', r.expected]);
      if (r.actual) sides.push(['actual', view.client, r.actual]);
      sides.forEach(function (side, i) {
        var tr = el('tr', 'row-' + r.status + ' side-' + side[0]);
        tr.appendChild(el('td', 'status-cell', i === 0 ? statusText : ''));
        tr.appendChild(el('td', 'mono', side[1]));
        view.columns.forEach(function (col) {
          var present = has(side[2], col);
          var changed = r.status === 'changed' && r.changed.indexOf(col) >= 0;
          tr.appendChild(add(el('td', changed ? 'diff' : present ? '' : 'absent'), valueNode(present ? side[2][col] : undefined)));
        });
        if (r.status === 'same') { tr.hidden = true; hidden.push(tr); }
        table.appendChild(tr);
      });
    });
    wrap.appendChild(add(el('div', 'scroll-x'), table));
    if (hidden.length) {
      var toggle = el('button', 'link-button', 'show ' + plural(c.same, 'identical row'));
      toggle.type = 'button';
      toggle.addEventListener('click', function () {
        var show = hidden[0].hidden;
        hidden.forEach(function (tr) { tr.hidden = !show; });
        if (!differs) table.hidden = !show;
        toggle.textContent = (show ? 'hide ' : 'show ') + plural(c.same, 'identical row');
      });
      wrap.appendChild(toggle);
    }
    return wrap;
  }

  // ---- boot ----
  try {
    renderHeader();
    renderSummary();
    renderScenarioTable();
    renderFailures();
    var hash = /^#failure-(\d+)$/.exec(location.hash);
    if (hash) openFailure(Number(hash[1]), true);
    document.documentElement.setAttribute('data-ready', 'yes');
  } catch (error) {
    var box = el('pre', 'error-text', 'The report could not be drawn: ' + (error && error.message ? error.message : String(error)));
    app.appendChild(box);
    document.documentElement.setAttribute('data-ready', 'error');
  }
})();
`;
