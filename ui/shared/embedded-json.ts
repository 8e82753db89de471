/**
 * Data a page carries in a `<script type="application/json">` block. The Node side wrote it
 * from a value of type `T` (`jsonForHtmlScript`), so reading it back as `T` is the seam where
 * the type is taken on trust; a page without the block reads as `{}`.
 */
export function readEmbeddedJson<T>(id: string): T {
  const node = document.getElementById(id);
  return JSON.parse(node?.textContent || '{}') as T;
}
