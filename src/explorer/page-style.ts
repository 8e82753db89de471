/**
 * The explorer's stylesheet: the HTML report's (its colours, tables and the timeline's
 * swimlanes, so both draw histories alike) plus the explorer's own panels and forms.
 */
import { REPORT_STYLE } from '../report/html-style.js';

const EXPLORER_OWN_STYLE = `
.top { position: sticky; top: 0; z-index: 5; flex-wrap: wrap; gap: 10px 14px; }
.top .group { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.top .clock { font-family: var(--mono); font-size: 15px; font-weight: 650; color: #fff; }
.top .clock small { color: #9aa4b5; font-weight: 400; margin-left: 8px; font-size: 12px; }
.top button, .top label.file { background: #262e3f; color: #e6e9ef; border: 1px solid #3a4458; border-radius: 6px; padding: 4px 10px; cursor: pointer; font-size: 13px; }
.top button:hover, .top label.file:hover { background: #313b50; }
.top button.primary { background: #2563eb; border-color: #2563eb; color: #fff; }
.top input[type=number], .top input[type=text] { width: 70px; padding: 3px 6px; border-radius: 6px; border: 1px solid #3a4458; background: #10141d; color: #e6e9ef; font: inherit; font-size: 13px; }
.top input[type=file] { display: none; }
.top input[type=text].wide { width: 140px; }
.top .status { margin-left: auto; font-size: 12px; padding: 3px 10px; border-radius: 999px; background: #1f8f4a; color: #fff; }
.top .status.busy { background: var(--conflict); } .top .status.stopped { background: var(--fail); }
button { cursor: pointer; }
button:disabled { cursor: not-allowed; opacity: .5; }
.btn { border: 1px solid var(--border); background: #fff; border-radius: 6px; padding: 3px 9px; font-size: 12.5px; }
.btn:hover { background: #f0f3f8; }
.btn.primary { background: var(--client); color: #fff; border-color: var(--client); }
.btn.danger { color: var(--fail); }
.btn.small { padding: 1px 6px; font-size: 12px; }
input[type=text], input[type=number], select, textarea { font: inherit; font-size: 12.5px; padding: 3px 6px; border: 1px solid var(--border); border-radius: 6px; background: #fff; }
input[type=number] { width: 72px; }
textarea { width: 100%; font-family: var(--mono); min-height: 120px; }
.notice { margin-bottom: 14px; padding: 8px 12px; border-radius: 8px; background: #e8f0fe; color: #1d3b7a; }
.notice.error { background: var(--fail-bg); color: var(--fail); }
.notice:empty { display: none; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 14px; align-items: start; }
.panel { padding: 12px 14px; }
.panel h3 { display: flex; align-items: center; gap: 8px; font-size: 15px; margin-bottom: 8px; }
.panel h3 .spacer { flex: 1; }
.panel h4 { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 10px 0 4px; font-weight: 600; }
.panel.client { border-top: 3px solid var(--client); }
.panel.client.offline { border-top-color: var(--faint); background: #fafbfc; }
.panel.server { border-top: 3px solid var(--server); }
.switch { display: inline-flex; align-items: center; gap: 4px; font-size: 12.5px; font-weight: 500; }
.row-form { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 6px 0; }
.row-form label { font-size: 12.5px; color: var(--muted); display: inline-flex; gap: 4px; align-items: center; }
.buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.data td.actions { white-space: nowrap; }
.data tr.deleted td { color: var(--faint); text-decoration: line-through; }
.data tr.editing td { background: var(--decision-bg); }
.empty-line { color: var(--faint); font-size: 12.5px; padding: 4px 0; }
.ops { list-style: none; margin: 0; padding: 0; font-size: 12.5px; }
.ops li { font-family: var(--mono); padding: 1px 0; }
.ops li.locked::after { content: " (being pushed)"; color: var(--conflict); font-family: inherit; }
.running { color: var(--conflict); font-size: 12.5px; }
.links { display: grid; grid-template-columns: repeat(auto-fill, minmax(430px, 1fr)); gap: 10px; }
.link { padding: 10px 12px; }
.link .row-form input[type=number] { width: 64px; }
.conflict-box { border: 2px solid var(--conflict); background: var(--conflict-bg); padding: 14px; border-radius: 10px; margin-bottom: 18px; }
.conflict-box h2 { font-size: 17px; margin-bottom: 6px; color: var(--conflict); }
.side-by-side { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin: 10px 0; }
.side-by-side > div { background: #fff; border: 1px solid var(--border); border-radius: 8px; padding: 8px 10px; }
.decisions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.decisions .btn { background: #fff; }
.checks-list .check { margin-bottom: 8px; }
.check.ok .name { color: var(--ok); }
.check.ok { border-left-color: var(--ok); }
.passing-checks { color: var(--ok); font-size: 12.5px; margin: 4px 0 10px; }
.check .name { font-weight: 650; }
.tl-wrap { display: grid; grid-template-columns: minmax(0, 1fr) 400px; gap: 12px; }
@media (max-width: 1200px) { .tl-wrap { grid-template-columns: 1fr; } }
.tl { max-height: 640px; }
.details { padding: 10px 12px; max-height: 640px; overflow: auto; }
.ce-bar { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 10px; }
.ce-state { margin-top: 10px; }
.log { font-size: 12.5px; margin: 0; padding-left: 32px; max-height: 200px; overflow: auto; }
.chip.policy { background: var(--decision-bg); color: var(--decision); }
`;

export const EXPLORER_STYLE = `${REPORT_STYLE}\n${EXPLORER_OWN_STYLE}`;
