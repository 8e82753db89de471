/**
 * The rules of docs/semantics.md as data: what the checkers cite when they report a violation.
 * A rule's id is stable once published (reports, signatures and saved counterexamples name it);
 * its title is the text of its heading in the doc, which test/check/rules.test.ts keeps in step.
 */

const RULE_AREAS = [
  'local',
  'queue',
  'push',
  'handler',
  'pull',
  'purge',
  'concurrency',
  'restart',
  'convergence',
  'liveness',
  'session',
  'roundtrip',
  'diff',
] as const;

type RuleArea = (typeof RULE_AREAS)[number];

/** Every rule, in the doc's order. */
const DEFINITIONS = [
  { id: 'local.write-atomic', title: 'A local write changes the record and the operation log together' },
  { id: 'local.insert-id', title: 'An insert keeps the id it is given or gets a new one, and never overwrites' },
  { id: 'local.write-missing-record', title: 'An update or delete of a record the store lacks is accepted and queued' },
  { id: 'local.read-committed', title: 'A local read shows the store as last committed' },
  { id: 'local.query', title: "A local query answers as SQLite answers it over the store's rows" },
  { id: 'local.store-failure-rolls-back', title: 'A write the local store fails leaves the store as it was' },
  {
    id: 'local.no-resurrection',
    title: 'A record the client deleted stays deleted locally until something brings it back',
  },

  { id: 'queue.collapse', title: "A write folds into its record's pending operation" },
  { id: 'queue.refuse-after-delete', title: 'No insert or update while a delete of the record is pending' },
  { id: 'queue.locked-adds', title: 'A write to the record being pushed logs a new operation behind it' },

  { id: 'push.order', title: 'One operation at a time, oldest first' },
  { id: 'push.lock', title: 'The operation being pushed is locked, in memory only' },
  { id: 'push.request-shape', title: 'An insert is a POST, an update a PATCH, a delete a DELETE' },
  { id: 'push.conditional', title: 'Updates and deletes are conditional on the version the client holds' },
  { id: 'push.success', title: 'A successful answer removes the operation and updates the record in one transaction' },
  { id: 'push.write-reaches-server', title: 'Every local write reaches the server or is accounted for' },
  { id: 'push.exactly-once', title: 'A retried write is never applied twice' },
  {
    id: 'push.no-server-resurrection',
    title: 'A record deleted on the server stays deleted there until written again',
  },
  { id: 'push.conflict-or-error', title: '409 and 412 are conflicts; every other failure is an error' },
  { id: 'push.unhandled-conflict', title: 'An unhandled conflict is skipped, kept and returned; the push goes on' },
  { id: 'push.unhandled-error-stops', title: 'An unhandled error stops the push' },
  { id: 'push.handled-retries', title: 'A handled failure is tried again from the same place' },
  { id: 'push.handler-call-cap', title: 'At most five handler calls per operation per push' },
  { id: 'push.orphan-dropped', title: 'An insert or update whose record is gone is dropped unsent' },
  { id: 'push.refusal-keeps-queue', title: "A push refused for the user's credentials keeps the operation" },
  { id: 'push.parent-before-child', title: "A child's insert is never sent before its parent's" },

  { id: 'handler.called', title: 'Each failed push request gets exactly one handler call' },
  { id: 'handler.error-details', title: 'The push error describes the request that failed' },
  { id: 'handler.cancel-and-update', title: 'cancelAndUpdate(v) drops the operation and stores v' },
  { id: 'handler.cancel-and-discard', title: 'cancelAndDiscard() drops the operation and the local record' },
  { id: 'handler.cancel', title: 'cancel() drops the operation and keeps the local record' },
  { id: 'handler.update', title: 'update(v) stores v, takes its version and tries again' },
  { id: 'handler.change-action', title: 'changeAction(action, v) changes what is pushed and tries again' },
  { id: 'handler.is-handled', title: 'isHandled = true without a resolution tries the same operation again' },
  { id: 'handler.resolved-is-handled', title: 'A resolution that succeeded leaves isHandled true' },
  { id: 'handler.resolution-failed', title: 'A resolution that fails changes nothing and resolves nothing' },
  { id: 'handler.waits-for-resolutions', title: 'The push waits for every resolution the handler started' },
  {
    id: 'handler.conflict-unresolved',
    title: 'A conflict handler that resolves nothing leaves the conflict unresolved',
  },
  { id: 'handler.error-unhandled', title: 'An error handler that resolves nothing leaves the error unhandled' },
  { id: 'handler.threw', title: 'A handler that throws or rejects leaves the failure unhandled' },
  { id: 'handler.reentrant-call', title: 'push, pull and purge are refused while a push handler runs' },

  { id: 'pull.pushes-first', title: 'A pull of a table with pending operations pushes first' },
  { id: 'pull.paging', title: 'Pages ordered by updatedAt from a bound, until an empty page' },
  { id: 'pull.tie-skip', title: 'Inside a tie group the bound stays and $skip grows' },
  { id: 'pull.complete', title: 'A pull brings every matching record the server held when it started' },
  { id: 'pull.skip-pending', title: 'A pulled record with a pending operation is left alone' },
  {
    id: 'pull.skipped-arrive-later',
    title: 'A record left alone arrives in a later pull once its operations are gone',
  },
  { id: 'pull.deleted-removed', title: 'A pulled tombstone removes the local record' },
  { id: 'pull.user-filter', title: "The query's filter narrows the pull; records that stop matching stay" },
  { id: 'pull.user-rows', title: "Under a per-user server a device holds only its user's rows" },
  { id: 'pull.incremental', title: 'A pull with a query id starts at its mark' },
  { id: 'pull.mark-atomic', title: 'The mark is saved in the transaction that stores its page' },
  { id: 'pull.mark-bound', title: 'The mark never passes a record the pull has not stored' },
  { id: 'pull.failure', title: 'A failed page fails the pull; the pages before it stay' },
  { id: 'pull.query-limits', title: 'A pull query has no ordering, paging, selection or count' },

  { id: 'purge.no-log', title: 'A purge removes local records without logging anything' },
  { id: 'purge.pending-refused', title: 'A purge of a table with pending operations is refused unless forced' },
  { id: 'purge.forced-drops-operations', title: "A forced purge drops the table's pending operations" },
  { id: 'purge.forgets-marks', title: 'A purge forgets every incremental mark of the table' },
  { id: 'purge.atomic', title: 'A purge is one transaction' },

  { id: 'concurrency.one-at-a-time', title: 'Push, pull and purge of one context run one at a time, in call order' },
  { id: 'concurrency.local-steps', title: 'Local calls interleave with a push or pull only between its store steps' },

  { id: 'restart.committed-only', title: 'A restarted app finds exactly the store it had committed' },
  { id: 'restart.unlocked', title: 'After a restart nothing is locked; the operation in flight is pushed again' },
  { id: 'restart.upgrade-keeps-data', title: 'An upgraded app finds its store as it was, the new columns empty' },

  { id: 'convergence.tables-equal', title: "After settling, every client's tables equal the server's live rows" },
  { id: 'convergence.queue-drains', title: 'After settling, only operations a recorded outcome kept are pending' },
  {
    id: 'convergence.sync-succeeds',
    title: 'On a healed network a pull fails only behind operations the handler keeps',
  },
  {
    id: 'convergence.children-have-parents',
    title: 'After settling, every child has its parent, unless a delete or a decision took it',
  },

  { id: 'liveness.settles', title: 'Every push, pull and purge settles' },
  { id: 'queue.stuck', title: "A push never stops again and again on an error of the client's own making" },

  { id: 'session.read-your-writes', title: "A read shows the client's own writes" },
  { id: 'session.monotonic-reads', title: 'A read never goes back to an older value' },
  { id: 'session.no-empty-after-non-empty', title: 'A table does not read empty after non-empty without deletes' },

  { id: 'roundtrip.server-stores', title: 'The server stores the values the app wrote' },
  { id: 'roundtrip.device-pulls', title: 'Another device holds the values the app wrote' },

  { id: 'diff.writes-sent', title: 'Each record gets the writes the reference client sends' },
  { id: 'diff.handler-calls', title: 'The handler is asked about the conflicts and errors the reference client meets' },
  { id: 'diff.call-outcomes', title: "The app's calls end as they do with the reference client" },
  { id: 'diff.local-table', title: "The client's local tables end as the reference client's do" },
  { id: 'diff.server-table', title: "The server's tables end as they do with the reference client" },
] as const satisfies readonly { readonly id: `${RuleArea}.${string}`; readonly title: string }[];

/** The id of a rule of docs/semantics.md: a checker can cite no other. */
export type RuleId = (typeof DEFINITIONS)[number]['id'];

export interface Rule {
  readonly id: RuleId;
  /** The rule in a few words: its heading in docs/semantics.md after the id. */
  readonly title: string;
  /** The part of the client it is about: the id's prefix. */
  readonly area: RuleArea;
  /** The heading's anchor in {@link RULES_DOC}, as GitHub makes it from `id — title`. */
  readonly anchor: string;
}

/** Where the rules are written down, from the package root. */
export const RULES_DOC = 'docs/semantics.md';

export const RULES: readonly Rule[] = DEFINITIONS.map(({ id, title }) => ({
  id,
  title,
  area: areaOf(id),
  anchor: headingAnchor(`${id} — ${title}`),
}));

function areaOf(id: RuleId): RuleArea {
  const prefix = id.slice(0, id.indexOf('.'));
  const area = RULE_AREAS.find((candidate) => candidate === prefix);
  // The `satisfies` above makes every prefix an area; this guards a registry edited without types.
  if (area === undefined) throw new Error(`rules: ${id}: expected an area prefix (${RULE_AREAS.join(', ')})`);
  return area;
}

/**
 * GitHub's anchor for a heading: lower case, punctuation dropped (dots, dashes other than `-`,
 * parentheses, `$`, `=`…), each space a hyphen. `push.order — One…` → `pushorder--one…`.
 */
function headingAnchor(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}
