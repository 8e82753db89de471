/** A request the backend refuses: carries the HTTP status and the message of the error body. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A table name the backend does not know. */
export class UnknownTableError extends BackendError {
  constructor(readonly table: string) {
    super(404, `The table '${table}' does not exist`);
  }
}

/** A table definition (from code or from a tables file) that cannot be served. */
export class TableDefinitionError extends Error {
  override readonly name = 'TableDefinitionError';
  constructor(
    /** Where in the definition: `tables[1].columns.done`. */
    readonly path: string,
    /** What was expected there. */
    readonly expected: string,
    /** What was found instead. */
    readonly found: string,
  ) {
    super(`${path}: expected ${expected}, but found ${found}`);
  }
}
