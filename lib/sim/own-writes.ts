// The store writes the simulated components make themselves. Their store listener skips these, as a
// controller reacts to what others change, not to its own writes.

export class OwnWrites {
  private writing = false;

  get active(): boolean {
    return this.writing;
  }

  run<T>(fn: () => T): T {
    this.writing = true;
    try {
      return fn();
    } finally {
      this.writing = false;
    }
  }
}
