/** The report's stylesheet: inline, system fonts only, so the file works with no network. */
export const REPORT_STYLE = `
:root {
  --bg: #f5f6f8; --card: #ffffff; --text: #1d2330; --muted: #667085; --faint: #98a2b3; --border: #e2e5ea;
  --ok: #157f3b; --ok-bg: #e7f6ec; --fail: #c4291c; --fail-bg: #fdecea;
  --xfail: #8a6100; --xfail-bg: #fff6dc; --conflict: #b45309; --conflict-bg: #fff1dd;
  --decision: #6937d6; --decision-bg: #f0eaff; --fault: #be1e4d; --fault-bg: #ffe8ee;
  --snapshot: #0e7490; --snapshot-bg: #e3f6fa; --unknown: #9a6700; --unknown-bg: #fff8db;
  --client: #2563eb; --network: #64748b; --server: #7c3aed; --editor: #0f8a7e; --actor: #6b7280;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  --row-h: 34px; --time-col: 92px; --lane-min: 150px;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
button { font: inherit; color: inherit; }
code, pre, .mono { font-family: var(--mono); font-size: 12.5px; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; }
h1, h2, h3, h4 { margin: 0; line-height: 1.25; }
.top { display: flex; align-items: center; gap: 16px; padding: 14px 28px; background: #141925; color: #f3f4f6; }
.brand { font-weight: 700; font-size: 17px; letter-spacing: .02em; }
.brand small { font-weight: 400; color: #9aa4b5; margin-left: 8px; font-size: 12px; }
.verdict { margin-left: auto; padding: 5px 12px; border-radius: 999px; font-weight: 600; font-size: 13px; }
.verdict.ok { background: #1f8f4a; color: #fff; } .verdict.fail { background: #d23a2b; color: #fff; }
main { max-width: 1680px; margin: 0 auto; padding: 22px 28px 60px; }
section { margin-bottom: 28px; }
.section-title { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 10px; font-weight: 600; }
.card { background: var(--card); border: 1px solid var(--border); border-radius: 10px; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; }
.stat { padding: 12px 14px; }
.stat .value { font-size: 22px; font-weight: 650; }
.stat .label { color: var(--muted); font-size: 12px; }
.stat.fail .value { color: var(--fail); } .stat.ok .value { color: var(--ok); }
.meta-line { color: var(--muted); font-size: 12.5px; margin-top: 10px; }
.meta-line span + span::before { content: "·"; margin: 0 8px; color: var(--faint); }
.chips { display: flex; flex-wrap: wrap; gap: 6px; }
.chip { display: inline-flex; gap: 6px; align-items: baseline; padding: 2px 9px; border-radius: 999px; background: #eef1f5; font-size: 12px; white-space: nowrap; }
.chip b { font-weight: 650; }
.chip.weak { background: var(--xfail-bg); color: var(--xfail); }
.chip.zero { color: var(--faint); }
.coverage-card { padding: 12px 14px; }
table.grid { width: 100%; border-collapse: collapse; }
table.grid th { text-align: left; font-size: 12px; color: var(--muted); font-weight: 600; padding: 9px 12px; border-bottom: 1px solid var(--border); background: #fafbfc; }
table.grid td { padding: 10px 12px; border-bottom: 1px solid var(--border); vertical-align: top; }
table.grid tr:last-child td { border-bottom: none; }
table.grid td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.scenario-name { font-weight: 600; }
.scenario-file { color: var(--muted); font-size: 12px; font-family: var(--mono); }
.scenario-desc { color: var(--muted); font-size: 12.5px; }
.pill { display: inline-block; padding: 2px 9px; border-radius: 999px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.pill.passed { background: var(--ok-bg); color: var(--ok); }
.pill.failed, .pill.error, .pill.unexpected-pass { background: var(--fail-bg); color: var(--fail); }
.pill.expected-failure { background: var(--xfail-bg); color: var(--xfail); }
.link-button { background: none; border: none; padding: 0; color: var(--client); cursor: pointer; text-decoration: underline; font-size: 12.5px; white-space: nowrap; }
.failure { margin-bottom: 16px; overflow: hidden; }
.failure > summary { list-style: none; cursor: pointer; padding: 14px 18px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
.failure > summary::-webkit-details-marker { display: none; }
.failure > summary::before { content: "▸"; color: var(--muted); transition: transform .15s; }
.failure[open] > summary::before { transform: rotate(90deg); }
.failure[open] > summary { border-bottom: 1px solid var(--border); }
.failure .headline { color: var(--muted); font-size: 13px; }
.failure-body { padding: 16px 18px 20px; }
.block-title { font-size: 14px; font-weight: 650; margin: 22px 0 8px; }
.block-title:first-child { margin-top: 0; }
.hint { color: var(--muted); font-size: 12.5px; }
.ce-grid { display: grid; grid-template-columns: minmax(0, 1fr) 380px; gap: 16px; align-items: start; }
@media (max-width: 1100px) { .ce-grid { grid-template-columns: minmax(0, 1fr); } }
.legend { display: flex; flex-wrap: wrap; gap: 12px; font-size: 12px; color: var(--muted); margin-bottom: 8px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 5px; vertical-align: -1px; background: currentColor; }
.legend .l-conflict { color: var(--conflict); } .legend .l-decision { color: var(--decision); }
.legend .l-fault { color: var(--fault); } .legend .l-ok { color: var(--ok); } .legend .l-snapshot { color: var(--snapshot); } .legend .l-cited { color: var(--fail); }
.tl { position: relative; overflow: auto; max-height: 72vh; border: 1px solid var(--border); border-radius: 8px; background: #fff; }
.tl:focus { outline: 2px solid #93b4f5; outline-offset: 1px; }
.tl-inner { position: relative; min-width: calc(var(--time-col) + var(--lanes) * var(--lane-min)); }
.tl-head { position: sticky; top: 0; z-index: 5; display: flex; background: #fbfcfd; border-bottom: 1px solid var(--border); }
.tl-head .tl-time { font-size: 11px; color: var(--faint); display: flex; align-items: center; justify-content: flex-end; }
.tl-head-lanes { flex: 1; display: flex; }
.lane-label { flex: 1 1 0; min-width: 0; padding: 8px 6px; text-align: center; font-weight: 650; font-size: 12.5px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.lane-label small { display: block; font-weight: 500; color: var(--faint); font-size: 10.5px; text-transform: uppercase; letter-spacing: .05em; }
.lane-label.client { color: var(--client); } .lane-label.network { color: var(--network); } .lane-label.server { color: var(--server); }
.lane-label.editor { color: var(--editor); } .lane-label.actor { color: var(--actor); }
.tl-body { position: relative; }
.tl-lanes, .tl-flights { position: absolute; top: 0; bottom: 0; left: var(--time-col); right: 0; }
.tl-flights { pointer-events: none; z-index: 1; }
.lane { position: absolute; top: 0; bottom: 0; }
.lane:nth-child(even) { background: #fafbfc; }
.lane::before { content: ""; position: absolute; top: 0; bottom: 0; left: 50%; border-left: 2px solid #d9dee6; }
.lane.client::before { border-left-color: #c8d7fb; } .lane.server::before { border-left-color: #ddd0fb; }
.lane.network::before { border-left: 2px dashed #cbd2dc; } .lane.editor::before { border-left-color: #bfe6e1; }
.flight { position: absolute; width: 4px; border-radius: 2px; background: #94a3b8; opacity: .55; }
.flight.lost { background: repeating-linear-gradient(180deg, var(--fault) 0 5px, transparent 5px 9px); opacity: .8; }
.tl-row { position: relative; display: flex; height: var(--row-h); cursor: pointer; }
.tl-row:hover { background: rgba(37, 99, 235, .045); }
.tl-row.tone-conflict { background: rgba(245, 158, 11, .09); }
.tl-row.tone-decision { background: rgba(124, 58, 237, .07); }
.tl-row.tone-fault { background: rgba(225, 29, 72, .06); }
.tl-row.selected { background: rgba(37, 99, 235, .13); box-shadow: inset 3px 0 0 var(--client); }
.tl-row.cited .tl-time { color: var(--fail); font-weight: 700; }
.tl-row.related { background: rgba(37, 99, 235, .06); }
.tl-time { width: var(--time-col); flex: none; padding-right: 10px; text-align: right; font: 11px/var(--row-h) var(--mono); color: var(--faint); position: relative; z-index: 2; white-space: nowrap; }
.tl-time .seq { color: #b4bcc8; margin-right: 4px; }
.tl-track { position: relative; flex: 1; z-index: 2; }
.ev { position: absolute; border: none; background: none; padding: 0; cursor: pointer; text-align: left; }
.ev:focus-visible { outline: 2px solid var(--client); outline-offset: 2px; }
.ev-box { top: 5px; height: calc(var(--row-h) - 10px); display: flex; align-items: center; gap: 6px; padding: 0 9px 0 5px; border-radius: 6px;
  background: #f1f4f8; border: 1px solid #d8dee7; font-size: 12px; white-space: nowrap; overflow: hidden; max-width: 100%; }
.ev-box .label { overflow: hidden; text-overflow: ellipsis; }
.ev-box::before { content: ""; flex: none; width: 8px; height: 8px; border-radius: 50%; background: currentColor; opacity: .55; }
.ev-box.flip { transform: translateX(-100%); flex-direction: row-reverse; padding: 0 5px 0 9px; }
.ev-band { left: 0; right: 0; top: 50%; height: 0; border-top: 1px dashed #b8c2cf; }
.ev-band .label { position: absolute; left: 12px; top: -10px; background: #fff; padding: 1px 8px; border-radius: 999px; font-size: 11.5px; color: var(--muted); border: 1px solid var(--border); white-space: nowrap; max-width: calc(100% - 24px); overflow: hidden; text-overflow: ellipsis; }
.ev-band.tone-snapshot { border-top-color: #8fd0de; } .ev-band.tone-snapshot .label { color: var(--snapshot); border-color: #b4e2ec; background: var(--snapshot-bg); }
.ev-arrow { top: 0; height: 100%; }
.ev-arrow .line { position: absolute; left: 0; right: 8px; top: 24px; height: 2px; background: #8190a5; }
.ev-arrow .head { position: absolute; right: 0; top: 20px; width: 0; height: 0; border-top: 5px solid transparent; border-bottom: 5px solid transparent; border-left: 9px solid #8190a5; }
.ev-arrow.rtl .line { left: 8px; right: 0; }
.ev-arrow.rtl .head { right: auto; left: 0; border-left: none; border-right: 9px solid #8190a5; }
.ev-arrow .label { position: absolute; left: 50%; bottom: 13px; transform: translateX(-50%); max-width: max(100%, 38em); padding: 0 6px; font-size: 11.5px; font-family: var(--mono);
  display: flex; gap: 6px; align-items: center; white-space: nowrap; background: rgba(255,255,255,.88); border-radius: 4px; }
.ev-arrow .label .text { overflow: hidden; text-overflow: ellipsis; }
.ev-arrow .lost-x { position: absolute; top: 15px; width: 20px; height: 20px; margin-left: -10px; color: var(--fault); font: 700 17px/20px system-ui, sans-serif; text-align: center; background: #fff; border-radius: 50%; }
.ev-arrow.lost .line { background: repeating-linear-gradient(90deg, var(--fault) 0 6px, transparent 6px 10px); }
.ev-arrow .via { position: absolute; top: 21px; width: 8px; height: 8px; margin-left: -4px; border-radius: 50%; background: #fff; border: 2px solid #8190a5; }
.tone-ok.ev-arrow .line, .tone-ok.ev-arrow .via { background: var(--ok); border-color: var(--ok); } .tone-ok.ev-arrow .head { border-left-color: var(--ok); border-right-color: var(--ok); }
.tone-fail.ev-arrow .line { background: var(--fail); } .tone-fail.ev-arrow .head { border-left-color: var(--fail); border-right-color: var(--fail); }
.tone-conflict.ev-arrow .line { background: var(--conflict); height: 3px; } .tone-conflict.ev-arrow .head { border-left-color: var(--conflict); border-right-color: var(--conflict); }
.tone-fault.ev-arrow .head { border-left-color: var(--fault); border-right-color: var(--fault); }
.tone-fault.ev-arrow .line { background: repeating-linear-gradient(90deg, var(--fault) 0 6px, transparent 6px 10px); }
.ev-arrow.tone-conflict .label { color: var(--conflict); font-weight: 700; }
.ev-arrow.tone-fail .label { color: var(--fail); } .ev-arrow.tone-ok .label { color: var(--ok); } .ev-arrow.tone-fault .label { color: var(--fault); font-weight: 600; }
.ev-box.tone-ok { background: var(--ok-bg); border-color: #b6e2c4; color: #0f5f2c; }
.ev-box.tone-fail { background: var(--fail-bg); border-color: #f5b5ae; color: #9b1c12; }
.ev-box.tone-unknown { background: var(--unknown-bg); border-color: #efd68a; color: #7a5200; }
.ev-box.tone-conflict { background: var(--conflict-bg); border: 2px solid #f59e0b; color: #8a3f06; font-weight: 650; }
.ev-box.tone-decision { background: var(--decision-bg); border: 2px solid #a78bfa; color: #4c1d95; font-weight: 650; }
.ev-box.tone-fault { background: var(--fault-bg); border-color: #f6a5bb; color: #9f1239; font-weight: 600; }
.tl-row.selected .ev-box { box-shadow: 0 0 0 2px var(--client); }
.tl-row.selected .ev-arrow .label { box-shadow: 0 0 0 2px var(--client); }
.badge { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 10px; font-weight: 750; letter-spacing: .04em; text-transform: uppercase; line-height: 16px; flex: none; }
.badge.conflict { background: #f59e0b; color: #fff; } .badge.decision { background: #7c3aed; color: #fff; }
.badge.fault { background: var(--fault); color: #fff; } .badge.error-handler { background: var(--fail); color: #fff; } .badge.restart { background: #475569; color: #fff; }

.cite-flag { position: absolute; left: 3px; top: 8px; width: 4px; height: 18px; background: var(--fail); border-radius: 2px; }
.details { position: sticky; top: 12px; max-height: calc(100vh - 24px); overflow: auto; padding: 14px 16px; }
.details h4 { font-size: 13px; margin: 16px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; font-weight: 650; }
.details .ev-title { font-size: 15px; font-weight: 650; word-break: break-word; }
.details .ev-meta { color: var(--muted); font-size: 12.5px; margin-top: 2px; }
.details .empty { color: var(--muted); font-size: 13px; padding: 20px 4px; text-align: center; }
.kv { width: 100%; border-collapse: collapse; font-size: 12.5px; }
.kv th { text-align: left; font-weight: 500; color: var(--muted); padding: 3px 10px 3px 0; vertical-align: top; white-space: nowrap; width: 1%; }
.kv td { padding: 3px 0; font-family: var(--mono); word-break: break-all; }
.json { background: #f6f8fa; border: 1px solid var(--border); border-radius: 6px; padding: 8px 10px; max-height: 320px; overflow: auto; }
.data { width: 100%; border-collapse: collapse; font-size: 12px; font-family: var(--mono); }
.data th, .data td { border: 1px solid var(--border); padding: 4px 7px; text-align: left; vertical-align: top; }
.data th { background: #f6f8fa; font-family: system-ui, sans-serif; font-weight: 600; color: var(--muted); }
.data td.diff { background: #fff1c2; font-weight: 650; }
.data td.absent, .absent { color: var(--faint); }
.data tr.locked td { background: #fff8e5; }
.scroll-x { overflow-x: auto; }
.v-str { color: #0b5394; } .v-num { color: #7c3aed; } .v-bool { color: #b45309; } .v-null { color: var(--faint); font-style: italic; }
.ref { background: #eef2ff; color: var(--client); border: 1px solid #c7d2fe; border-radius: 4px; padding: 0 5px; font-family: var(--mono); font-size: 12px; cursor: pointer; }
.ref:hover { background: #dbe4ff; }
.check { border-left: 4px solid var(--fail); background: #fff; padding: 10px 14px; margin-bottom: 10px; border-radius: 0 8px 8px 0; border-top: 1px solid var(--border); border-right: 1px solid var(--border); border-bottom: 1px solid var(--border); }
.held-line { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.chip.ok { background: var(--ok-bg); color: var(--ok); font-family: var(--mono); }
.check .name { font-weight: 700; font-family: var(--mono); }
.check .explanation { margin-top: 4px; white-space: pre-wrap; }
.check ul { margin: 6px 0 0; padding-left: 20px; }
.diff-table { margin-bottom: 14px; }
.diff-table .caption { font-size: 13px; margin-bottom: 6px; }
.diff-table .caption b { font-family: var(--mono); }
.status-cell { font-family: system-ui, sans-serif; font-weight: 650; font-size: 11px; text-transform: uppercase; white-space: nowrap; }
tr.row-changed .status-cell { color: var(--conflict); } tr.row-missing .status-cell, tr.row-extra .status-cell { color: var(--fail); }
tr.row-same td { color: var(--faint); }
tr.row-missing td { background: #fff5f4; } tr.row-extra td { background: #fff5f4; }
tr.side-actual td { border-bottom-width: 2px; }
.replay { display: flex; gap: 8px; align-items: stretch; }
.replay pre { flex: 1; background: #141925; color: #e6edf3; padding: 10px 14px; border-radius: 8px; overflow-x: auto; white-space: pre; }
.btn { border: 1px solid var(--border); background: #fff; border-radius: 8px; padding: 6px 14px; cursor: pointer; font-weight: 600; font-size: 13px; }
.btn:hover { background: #f3f5f8; }
.error-text { background: var(--fail-bg); color: #7f1d1d; border-radius: 8px; padding: 10px 14px; }
.offscreen { position: fixed; left: -9999px; top: 0; }
details.raw > summary { cursor: pointer; color: var(--muted); font-size: 12.5px; margin-top: 14px; }
.empty-state { padding: 18px; color: var(--muted); }
noscript { display: block; padding: 20px 28px; }
`;
