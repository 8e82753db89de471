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

/**
 * The message of an error body, or `undefined` when the text is not one: `{"error": …}` from the
 * Node server, `{"message": …}` from ASP.NET Web API.
 */
export function errorMessageOf(bodyText: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (isErrorBody(parsed)) return parsed.error;
    const message = (parsed as { message?: unknown } | null)?.message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}
