/**
 * Whether terminal output gets ANSI colours: FORCE_COLOR turns them on (CI logs that render
 * them) and FORCE_COLOR=0 off; otherwise NO_COLOR (any non-empty value, no-color.org) turns
 * them off; otherwise a TTY gets them and a pipe or file does not.
 */
export function useColor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !['0', 'false'].includes(force.trim().toLowerCase());
  const noColor = env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  return stream.isTTY === true;
}
