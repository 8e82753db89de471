/**
 * Escaping for the places run data ends up: inside an HTML `<script type="application/json">`
 * block, in XML text and attributes, and on a terminal. Run data is untrusted: a record's text,
 * a header or a scenario name can hold markup, control characters or terminal escapes.
 */

/**
 * JSON that is safe inside a `<script>` element: no `<`, `>` or `&` can close the element or
 * open a comment, and U+2028/U+2029 (line terminators in older JS parsers) are escaped too.
 * `JSON.parse` of the element's text gives back exactly `value`.
 */
export function jsonForHtmlScript(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('cannot embed undefined as JSON');
  return json.replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function visibleCodePoint(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Characters XML 1.0 forbids even as references (most C0 controls, lone surrogates, U+FFFE/F)
 * become visible `\xNN` / `\uNNNN` text, so a CI server's parser never rejects the file.
 */
function replaceInvalidXmlChars(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    out += isXmlChar(code) ? ch : visibleCodePoint(code);
  }
  return out;
}

/** Text content of an XML element. */
export function escapeXmlText(text: string): string {
  return replaceInvalidXmlChars(text).replace(/[&<>]/g, (ch) => (ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : '&gt;'));
}

/** A double-quoted XML attribute value; line breaks and tabs survive attribute normalisation. */
export function escapeXmlAttribute(text: string): string {
  return replaceInvalidXmlChars(text).replace(/[&<>"'\t\n\r]/g, (ch) => {
    switch (ch) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return `&#${ch.charCodeAt(0)};`;
    }
  });
}

/**
 * Makes run data harmless on a terminal: C0/C1 controls (ESC included, so no colour or cursor
 * sequences), DEL, bidi overrides and lone surrogates become visible escapes. Line breaks are kept only when
 * `multiline` is set.
 */
export function terminalSafe(text: string, multiline = false): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (multiline && ch === '\n') out += ch;
    else if (ch === '\t') out += '  ';
    else if (
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069) ||
      (code >= 0xd800 && code <= 0xdfff)
    ) {
      out += visibleCodePoint(code);
    } else out += ch;
  }
  return out;
}
