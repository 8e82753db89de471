/** Error bodies: every 4xx and 5xx answer of a table endpoint is `{"error":"<message>"}`. */

export interface ErrorBody {
  readonly error: string;
}

/** The JSON text of an error body. */
export function errorBody(message: string): string {
  return JSON.stringify({ error: message });
}

export function isErrorBody(value: unknown): value is ErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as { error?: unknown }).error === 'string';
}

/** The message of an error body, or `undefined` when the text is not one. */
export function errorMessageOf(bodyText: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    return isErrorBody(parsed) ? parsed.error : undefined;
  } catch {
    return undefined;
  }
}
