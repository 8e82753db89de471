/**
 * The browser code the HTML report and the explorer page have in common. Both draw the same
 * timeline model (`timeline.ts`) with the same stylesheet, so both build it with this code.
 *
 * It is spliced into each page's script, inside that script's IIFE, so these names stay local
 * to the page, and the page's CSP hash covers it because the hash is taken from the final text.
 * The rules of those scripts hold here too: plain ES2017 without template literals (this is
 * itself a template string), no dependencies, and DOM built with createElement/textContent only,
 * so run data never reaches innerHTML, an href or an event-handler attribute. A page must not
 * declare any of these names again: the second declaration would quietly replace the first.
 */
export const BROWSER_HELPERS = String.raw`
  // ---- DOM helpers (text only) ----
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) continue;
      parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return parent;
  }
  function tid(node, id) { node.setAttribute('data-testid', String(id)); return node; }
  function has(obj, key) { return obj !== null && typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, key); }
  function keysOf(obj) { return obj !== null && typeof obj === 'object' ? Object.keys(obj) : []; }

  // ---- formatting ----
  // Grouped by hand rather than with toLocaleString so that a number reads the same whatever
  // locale data the browser carries, and a fraction keeps all its digits.
  function fmtCount(n) {
    if (typeof n !== 'number' || !isFinite(n)) return String(n);
    var parts = String(Math.abs(n)).split('.');
    return (n < 0 ? '-' : '') + parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (parts.length > 1 ? '.' + parts[1] : '');
  }
  function fmtTime(t) { return typeof t === 'number' ? fmtCount(t) + ' ms' : String(t); }
  function jsonBlock(value) { return el('pre', 'json', value === undefined ? 'undefined' : JSON.stringify(value, null, 2)); }

  // ---- timeline ----
  // A drawn timeline is a ctx: { timeline, history, rows: seq -> { node, row }, selected, details }.
  var LANE_KIND_TEXT = { client: 'client', network: 'network', server: 'backend', editor: 'server editor', actor: 'actor' };
  var MARKER_TEXT = { conflict: 'conflict', fault: 'fault', decision: 'decision', 'error-handler': 'error', restart: 'restart' };

  function center(index, count) { return ((index + 0.5) / count) * 100; }

  // The pieces of the grid come bare; a page that wants test ids or titles on them adds its own.
  function laneLabel(lane) {
    return add(el('div', 'lane-label ' + lane.kind), el('small', '', LANE_KIND_TEXT[lane.kind] || lane.kind), lane.id);
  }
  function laneStrip(lane, i, n) {
    var strip = el('div', 'lane ' + lane.kind);
    strip.style.left = (i / n) * 100 + '%';
    strip.style.width = (100 / n) + '%';
    return strip;
  }
  /** A row's time is left blank when the row above has the same one; flag is optional. */
  function timelineRow(row, lastT, eventNode, flag) {
    var rowNode = el('div', 'tl-row tone-' + row.tone + (row.citedBy.length ? ' cited' : ''));
    rowNode.setAttribute('data-seq', String(row.seq));
    var time = add(el('div', 'tl-time'), el('span', 'seq', '#' + row.seq), row.t === lastT ? '' : fmtTime(row.t), flag);
    return add(rowNode, time, add(el('div', 'tl-track'), eventNode));
  }

  /** The bars beside the network lane that show how long each request was in flight. */
  function timelineFlights(tl) {
    var n = Math.max(tl.lanes.length, 1);
    var rowIndex = {};
    tl.rows.forEach(function (row, i) { rowIndex[row.seq] = i; });
    var networkLane = -1;
    tl.lanes.forEach(function (lane, i) { if (lane.kind === 'network') networkLane = i; });
    var flights = el('div', 'tl-flights');
    if (networkLane < 0) return flights;
    tl.flights.forEach(function (flight) {
      var from = rowIndex[flight.fromSeq];
      var to = rowIndex[flight.toSeq];
      if (from === undefined || to === undefined) return;
      var bar = el('div', 'flight' + (flight.lost ? ' lost' : ''));
      bar.style.left = 'calc(' + center(networkLane, n) + '% + ' + (12 + flight.slot * 7) + 'px)';
      bar.style.top = 'calc(' + from + ' * var(--row-h) + var(--row-h) * 0.7)';
      bar.style.height = 'calc(' + (to - from) + ' * var(--row-h))';
      bar.title = 'in flight ' + flight.latencyMs + ' ms';
      flights.appendChild(bar);
    });
    return flights;
  }

  /**
   * One event as a button on its row: a box on its lane, an arrow between two lanes, or a band
   * across them all. The page makes the badges and says which lanes an arrow gets a dot on
   * (vias), because the two pages mark those differently.
   */
  function timelineEvent(row, n, testid, badges, vias) {
    var shape = row.shape;
    var node = tid(el('button', 'ev tone-' + row.tone), testid);
    node.type = 'button';
    node.title = '#' + row.seq + ' ' + row.label;
    node.setAttribute('data-kind', row.kind);
    if (shape.shape === 'box') {
      node.className += ' ev-box';
      // The box's dot sits on its lane's line; the label runs on towards the free side.
      var c = center(shape.lane, n);
      if (shape.lane === n - 1 && n > 1) {
        node.className += ' flip';
        node.style.left = 'calc(' + c + '% + 10px)';
        node.style.maxWidth = 'calc(' + c + '% + 10px)';
      } else {
        node.style.left = 'calc(' + c + '% - 10px)';
        node.style.maxWidth = 'calc(' + (100 - c) + '% + 6px)';
      }
      add(node, el('span', 'label', row.label));
      badges.forEach(function (badge) { node.appendChild(badge); });
      return node;
    }
    if (shape.shape === 'arrow') {
      var a = center(shape.from, n);
      var b = center(shape.to, n);
      var left = Math.min(a, b);
      var width = Math.max(Math.abs(b - a), 100 / n / 2);
      node.className += ' ev-arrow' + (b < a ? ' rtl' : '') + (shape.lost ? ' lost' : '');
      node.style.left = left + '%';
      node.style.width = width + '%';
      var label = el('span', 'label');
      add(label, el('span', 'text', row.label));
      badges.forEach(function (badge) { label.appendChild(badge); });
      add(node, el('span', 'line'), el('span', 'head'), label);
      vias.forEach(function (via) {
        var dotVia = el('span', 'via');
        dotVia.style.left = ((center(via, n) - left) / width) * 100 + '%';
        node.appendChild(dotVia);
      });
      if (shape.lost) {
        var x = el('span', 'lost-x', '✕');
        x.style.left = b < a ? '0%' : '100%';
        node.appendChild(x);
      }
      return node;
    }
    node.className += ' ev-band';
    add(node, el('span', 'label', row.label));
    return node;
  }

  /** Moves the highlight to one event and its related ones; the page then fills its details. */
  function highlightRow(ctx, seq, scroll) {
    var entry = ctx.rows[seq];
    if (!entry) return null;
    if (ctx.selected !== null && ctx.rows[ctx.selected]) {
      var prev = ctx.rows[ctx.selected];
      prev.node.classList.remove('selected');
      prev.row.related.forEach(function (r) { if (ctx.rows[r]) ctx.rows[r].node.classList.remove('related'); });
    }
    ctx.selected = seq;
    entry.node.classList.add('selected');
    entry.row.related.forEach(function (r) { if (ctx.rows[r]) ctx.rows[r].node.classList.add('related'); });
    if (scroll) entry.node.scrollIntoView({ block: 'nearest' });
    return entry;
  }

  function eventBySeq(ctx, seq) {
    var history = ctx.history;
    for (var i = 0; i < history.length; i++) if (history[i].seq === seq) return history[i];
    return null;
  }
`;
