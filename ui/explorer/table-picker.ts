/** Which of the session's tables the client and server cards show and write (shown when there are several). */
import type { SessionView } from '../../src/explorer/session.js';
import { byId, el } from '../shared/dom.js';
import { byIdOf } from './controls.js';
import { chooseTable, mainTable, type Explorer } from './explorer.js';

export function createTablePicker(explorer: Explorer): { render(view: SessionView): void } {
  const picker = byIdOf('table', HTMLSelectElement);
  let drawn = '';
  picker.addEventListener('change', () => {
    chooseTable(picker.value);
    explorer.renderAll();
  });
  return {
    render(view) {
      const names = view.tables.map((table) => table.name);
      // The row's labels are laid out by class, which would override the `hidden` attribute.
      byId('table-picker').style.display = names.length < 2 ? 'none' : '';
      if (names.join('\n') !== drawn) {
        drawn = names.join('\n');
        picker.replaceChildren(
          ...names.map((name) => {
            const option = el('option', '', name);
            option.value = name;
            return option;
          }),
        );
      }
      picker.value = mainTable(view).name;
    },
  };
}
