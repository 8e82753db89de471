// The conflict handler of the Azure Mobile Apps offline-sync samples, as an app ships it:
// identical edits are dropped, otherwise the device's change wins over the server's version.
// syncwright loads this module from a scenario and runs it unchanged.

export function onConflict(pushError) {
  const serverRecord = pushError.getServerRecord();
  const clientRecord = pushError.getClientRecord();
  if (serverRecord && clientRecord) {
    if (serverRecord.text === clientRecord.text && serverRecord.complete === clientRecord.complete) {
      // Both sides say the same: nothing to push.
      return pushError.cancelAndDiscard();
    }
    clientRecord.version = serverRecord.version;
    return pushError.update(clientRecord);
  }
  return pushError.cancelAndDiscard();
}

export function onError(pushError) {
  // Leave errors unhandled: the push stops and is tried again on the next sync.
  void pushError;
}
