/**
 * When each send is meant to happen at a fixed rate. Latency is measured from these intended
 * times, not from when a send actually started, so a stall delays the schedule's sends without
 * hiding their wait (no coordinated omission).
 */
export class RateSchedule {
  private readonly intervalMicros: number;

  constructor(
    readonly perSecond: number,
    readonly startMicros: number,
  ) {
    if (!(perSecond > 0)) throw new Error(`rate must be above 0, got ${perSecond}`);
    this.intervalMicros = 1_000_000 / perSecond;
  }

  /** The intended send time of send number `index` (0-based). */
  intendedMicros(index: number): number {
    return Math.round(this.startMicros + index * this.intervalMicros);
  }

  /** How many sends are due by `nowMicros`. */
  dueBy(nowMicros: number): number {
    return nowMicros < this.startMicros ? 0 : Math.floor((nowMicros - this.startMicros) / this.intervalMicros) + 1;
  }
}
