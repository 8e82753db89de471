/**
 * Copies text to the clipboard, with the old `execCommand` way where the Clipboard API is not
 * there (a file:// page often lacks it) and, failing both, the text selected for Ctrl+C.
 */
import { el } from '../shared/dom.js';

export function copyText(text: string, button: HTMLElement, source: HTMLElement): void {
  function done(ok: boolean): void {
    button.textContent = ok ? 'Copied' : 'Press Ctrl+C';
    if (!ok) {
      const range = document.createRange();
      range.selectNodeContents(source);
      const sel = window.getSelection();
      if (sel) {
        sel.removeAllRanges();
        sel.addRange(range);
      }
    }
    setTimeout(() => {
      button.textContent = 'Copy';
    }, 2000);
  }
  function fallback(): boolean {
    const area = el('textarea', 'offscreen');
    area.value = text;
    area.setAttribute('readonly', '');
    document.body.appendChild(area);
    area.select();
    let ok: boolean;
    try {
      // Deprecated, and still the only way left when the Clipboard API is missing or refused.
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    document.body.removeChild(area);
    return ok;
  }
  // The Clipboard API is missing outside secure contexts, whatever the DOM types say.
  const clipboard = navigator.clipboard as Clipboard | undefined;
  if (clipboard && typeof clipboard.writeText === 'function') {
    clipboard.writeText(text).then(
      () => done(true),
      () => done(fallback()),
    );
  } else {
    done(fallback());
  }
}
