/**
 * A call on a table only a later app version defines: the world refuses it alike on every client
 * (the app at its version has no such table). It is the program's doing, not the client's, so
 * the checkers that judge a failed call by its outcome leave it out; the words are shared so
 * that they recognise it without guessing.
 */
const UNDEFINED_TABLE = /^(?:Error: )?app version \d+ does not define the table /;

export function undefinedTableError(version: number, table: string): Error {
  return new Error(`app version ${version} does not define the table ${table}`);
}

/** Whether a recorded error is the world's refusal of a table the app's version lacks. */
export function isUndefinedTableError(error: string): boolean {
  return UNDEFINED_TABLE.test(error);
}
