// One push handler for both clients: the reference client and azure-mobile-apps-client 2.0.1.
// An ES module; scenarios name it with "policy": { "module": "../handlers/orders.mjs" }.

// The table's date columns. The SDK's getServerRecord() is a JSON copy, so its dates are
// strings, and its store refuses a string in a date column (docs/sdk-findings.md, 7); the
// reference client hands out Dates. new Date(…) takes either.
const DATE_COLUMNS = ['dueAt'];

export function onConflict(pushError) {
  // Neither client updates a deleted record (finding 6): drop the delete, the next pull decides.
  if (pushError.getAction() === 'delete') return pushError.cancel();
  const server = pushError.getServerRecord();
  // A 409 carries no server record (finding 13): the server has the record; the pull brings it.
  if (!server) return pushError.cancelAndDiscard();
  const copy = { ...server };
  for (const column of DATE_COLUMNS) if (copy[column] != null) copy[column] = new Date(copy[column]);
  return pushError.cancelAndUpdate(copy);
}

export function onError(pushError) {
  // The HTTP status: on the SDK's XMLHttpRequest, or on the reference client's error.
  const error = pushError.getError();
  const status = error?.request?.status ?? error?.status;
  // A 404: the record is gone on the server; stop sending the change.
  if (status === 404) return pushError.cancelAndDiscard();
  // Anything else stays unhandled: the push stops and the next sync tries again.
}
