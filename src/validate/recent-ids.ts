// The last N record ids of a file, to tell a duplicate delivery from a reused id without keeping
// every id of a multi-GB file in memory. Duplicates arrive seconds after their original, so a
// window of many thousands of records holds the original.

export class RecentIds {
  private readonly ring: string[];
  private readonly set = new Set<string>();
  private next = 0;

  constructor(private readonly capacity = 100_000) {
    this.ring = new Array<string>(capacity);
  }

  has(id: string): boolean {
    return this.set.has(id);
  }

  add(id: string): void {
    if (this.set.has(id)) return;
    const old = this.ring[this.next];
    if (old !== undefined) this.set.delete(old);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.set.add(id);
  }
}
