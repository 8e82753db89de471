/**
 * The `addEventListener` bookkeeping of both XMLHttpRequests (the simulator's and Node's): a
 * listener is added once per type, removed by identity, and called in the order added.
 */
export class EventListeners<L> {
  private readonly lists = new Map<string, L[]>();

  add(type: string, listener: L): void {
    const list = this.lists.get(type) ?? [];
    if (!list.includes(listener)) list.push(listener);
    this.lists.set(type, list);
  }

  remove(type: string, listener: L): void {
    const list = this.lists.get(type);
    // A new list: an emit walking the old one is not disturbed.
    if (list !== undefined)
      this.lists.set(
        type,
        list.filter((item) => item !== listener),
      );
  }

  /** The listeners of `type`, in the order added. */
  of(type: string): readonly L[] {
    return this.lists.get(type) ?? [];
  }
}
