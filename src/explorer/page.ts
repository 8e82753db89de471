/**
 * The explorer's one page: self-contained (inline script and stylesheet, system fonts, no CDN),
 * under a Content-Security-Policy that admits only this exact script and stylesheet and lets it
 * talk to nothing but the explorer itself. The script and stylesheet are the page in ui/explorer/,
 * bundled by `npm run build`.
 */
import { createHash } from 'node:crypto';
import { EXPLORER_SCRIPT, EXPLORER_STYLE } from './generated/explorer-page.js';

function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export function explorerContentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    `script-src ${sha256Source(EXPLORER_SCRIPT)}`,
    `style-src ${sha256Source(EXPLORER_STYLE)}`,
    "connect-src 'self'",
    "img-src 'none'",
    "font-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function renderExplorerPage(): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>syncwright explorer</title>',
    `<style>${EXPLORER_STYLE}</style>`,
    '</head>',
    '<body>',
    '<header class="top">',
    '  <div class="brand">syncwright <small>explorer</small></div>',
    '  <div class="group"><span class="clock" id="clock" data-testid="clock">t = 0 ms</span><small class="clock-sub" id="clock-sub" data-testid="next-timer"></small></div>',
    '  <div class="group">',
    '    <button type="button" id="step" data-testid="step" class="primary" title="Move to the next moment a timer is due and fire what is due">Step</button>',
    '    <button type="button" id="run-until-idle" data-testid="run-until-idle" title="Fire timers until none is armed">Run until idle</button>',
    '    <input type="number" id="advance-ms" data-testid="advance-ms" value="100" min="0" aria-label="milliseconds to advance"><button type="button" id="advance" data-testid="advance">Advance ms</button>',
    '  </div>',
    '  <div class="group">',
    '    <button type="button" id="sync-all" data-testid="sync-all" title="Every client pushes, then every client pulls">Sync all</button>',
    '    <button type="button" id="heal" data-testid="heal" title="Every link online, no more faults">Heal network</button>',
    '  </div>',
    '  <div class="group">',
    '    <button type="button" id="undo" data-testid="undo">Undo</button>',
    '    <button type="button" id="reset" data-testid="reset">Reset</button>',
    '  </div>',
    '  <div class="group">',
    '    <button type="button" id="check-now" data-testid="check-now" title="Run the checkers over the history so far">Check now</button>',
    '    <button type="button" id="check-run" data-testid="check-run" title="Run the session as syncwright run would, and judge it">Check as a run</button>',
    '  </div>',
    '  <div class="group">',
    '    <input type="text" id="save-name" data-testid="save-name" value="explorer-session" aria-label="scenario name" class="wide">',
    '    <button type="button" id="save" data-testid="save">Save as scenario</button>',
    '    <label class="file">Open results.json<input type="file" id="open-results" data-testid="open-results" accept=".json,application/json"></label>',
    '  </div>',
    '  <span class="status" id="status" data-testid="status">…</span>',
    '</header>',
    '<main>',
    '  <div id="notice" class="notice" role="status" data-testid="notice"></div>',
    '  <section id="conflict" class="conflict-box" data-testid="conflict" hidden></section>',
    '  <section>',
    '    <h2 class="section-title">Clients and server</h2>',
    '    <div class="row-form"><select id="add-policy" data-testid="add-policy"><option value="ask">ask</option><option value="tutorial">tutorial</option><option value="server-wins">server-wins</option><option value="client-wins">client-wins</option><option value="merge">merge</option><option value="defer-to-pull">defer-to-pull</option><option value="none">none</option></select><button type="button" class="btn" id="add-client" data-testid="add-client">+ Add client</button></div>',
    '    <div id="clients" class="cards"><section id="server" class="card panel server" data-testid="server"></section></div>',
    '  </section>',
    '  <section>',
    '    <h2 class="section-title">Network: one link per client (changes apply from its next request on)</h2>',
    '    <div id="links" class="links"></div>',
    '  </section>',
    '  <section>',
    '    <h2 class="section-title">Checks</h2>',
    '    <div id="checks" class="card panel checks-list" data-testid="checks"><div class="hint">Press “Check now” or “Check as a run”.</div></div>',
    '  </section>',
    '  <section>',
    '    <h2 class="section-title">Timeline</h2>',
    '    <div class="tl-wrap"><div id="timeline"></div><div id="details" class="card details" data-testid="details"><div class="empty">Click an event to see it and the state at that moment.</div></div></div>',
    '  </section>',
    '  <section>',
    '    <h2 class="section-title">Session</h2>',
    '    <div class="card panel"><div class="hint" id="log-summary" data-testid="log-summary"></div><ol id="log" class="log" data-testid="log"></ol></div>',
    '  </section>',
    '  <section id="ce-section" hidden>',
    '    <h2 class="section-title">Counterexamples from results.json</h2>',
    '    <div id="ce-list" class="buttons" data-testid="ce-list"></div>',
    '    <div id="ce-view" class="card panel" data-testid="ce-view"></div>',
    '  </section>',
    '</main>',
    `<script>${EXPLORER_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
