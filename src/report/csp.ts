/**
 * The Content-Security-Policy of syncwright's self-contained pages: nothing loads and nothing runs
 * but the page's own inline script and stylesheet, named by their sha256.
 */
import { createHash } from 'node:crypto';

/** A CSP source naming exactly this inline text. */
export function hashSource(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export interface PagePolicy {
  readonly script: string;
  readonly style: string;
  /** Where the page may fetch from: nowhere (a report file), or its own server (the explorer). */
  readonly connect: "'none'" | "'self'";
  /** Refuse to be framed (a page served over HTTP). */
  readonly noFraming?: boolean;
}

export function pageContentSecurityPolicy(policy: PagePolicy): string {
  return [
    "default-src 'none'",
    `script-src ${hashSource(policy.script)}`,
    `style-src ${hashSource(policy.style)}`,
    `connect-src ${policy.connect}`,
    "img-src 'none'",
    "font-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    ...(policy.noFraming === true ? ["frame-ancestors 'none'"] : []),
  ].join('; ');
}
