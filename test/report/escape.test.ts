import { describe, expect, test } from 'vitest';
import { escapeXmlAttribute, escapeXmlText, jsonForHtmlScript, terminalSafe } from '../../src/report/escape.js';
import { HOSTILE } from './fixtures.js';

describe('jsonForHtmlScript', () => {
  test('leaves no character that could end the script element or open a comment', () => {
    const json = jsonForHtmlScript({ ...HOSTILE });
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(json).not.toContain('</script');
  });

  test('parses back to exactly the value it was given', () => {
    const value = { ...HOSTILE, nested: [HOSTILE.closeScript, { [HOSTILE.img]: HOSTILE.lineSeparators }] };
    expect(JSON.parse(jsonForHtmlScript(value))).toEqual(value);
  });

  test('refuses undefined instead of writing an empty script', () => {
    expect(() => jsonForHtmlScript(undefined)).toThrow(TypeError);
  });
});

describe('XML escaping', () => {
  test('text escapes markup characters', () => {
    expect(escapeXmlText('a < b && c > "d"')).toBe('a &lt; b &amp;&amp; c &gt; "d"');
  });

  test('attributes escape quotes and keep line breaks as character references', () => {
    expect(escapeXmlAttribute(`say "hi"\n'tab'\there`)).toBe('say &quot;hi&quot;&#10;&apos;tab&apos;&#9;here');
  });

  test('characters XML 1.0 forbids become visible escapes', () => {
    expect(escapeXmlText('nul\u0000 esc\u001b bell\u0007 lone\ud800 fffe\ufffe')).toBe(
      'nul\\x00 esc\\x1b bell\\x07 lone\\ud800 fffe\\ufffe',
    );
  });

  test('astral characters and allowed whitespace pass through', () => {
    expect(escapeXmlText('emoji 😀\ttab\r\nline')).toBe('emoji 😀\ttab\r\nline');
  });
});

describe('terminalSafe', () => {
  test('turns escape sequences into visible text', () => {
    expect(terminalSafe('\u001b[31mred\u001b[0m')).toBe('\\x1b[31mred\\x1b[0m');
  });

  test('keeps line breaks only for multi-line text', () => {
    expect(terminalSafe('a\nb')).toBe('a\\x0ab');
    expect(terminalSafe('a\nb', true)).toBe('a\nb');
  });

  test('neutralises C1 controls and bidi overrides', () => {
    expect(terminalSafe('x\u009by\u202ez')).toBe('x\\x9by\\u202ez');
  });
});
