/**
 * Versions travel as ETags: `ETag: "<version>"` on responses, `If-Match` on conditional writes.
 * The real client quotes the version (escaping inner quotes with a backslash); the real server
 * also accepts an unquoted value. `*` and weak validators never match: a write conditioned on
 * them is refused, because neither names the one version the writer saw.
 */

/** `MQ==` → `"MQ=="`, escaping inner quotes the way the JS client does. */
export function formatETag(version: string): string {
  return `"${version.replace(/"/g, '\\"')}"`;
}

/** `"MQ=="` → `MQ==`; an unquoted value is returned as it is. Weak ETags give `undefined`. */
export function versionFromETag(etag: string): string | undefined {
  const value = etag.trim();
  if (value.startsWith('W/')) return undefined;
  if (value.length > 1 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\"/g, '"');
  }
  return value;
}

/** What an `If-Match` header asks for. */
export type IfMatchCondition =
  | { readonly kind: 'absent' }
  | { readonly kind: 'version'; readonly version: string }
  /** `*`, a weak validator or an empty value: present, but never satisfied. */
  | { readonly kind: 'never'; readonly value: string };

export function parseIfMatch(header: string | undefined): IfMatchCondition {
  if (header === undefined) return { kind: 'absent' };
  const value = header.trim();
  if (value === '' || value === '*' || value.startsWith('W/')) return { kind: 'never', value };
  const version = versionFromETag(value);
  return version === undefined ? { kind: 'never', value } : { kind: 'version', version };
}

/** True when a write under `condition` may go ahead on a record whose version is `current`. */
export function ifMatchAllows(condition: IfMatchCondition, current: string): boolean {
  switch (condition.kind) {
    case 'absent':
      return true;
    case 'version':
      return condition.version === current;
    case 'never':
      return false;
  }
}
