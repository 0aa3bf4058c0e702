import { expect } from 'chai';
import { splitEvenly } from '../../../bench/load/split-load.js';
import { RateSchedule } from '../../../pipeline/producer/rate-schedule.js';

describe('pipeline/producer/rate-schedule', () => {
  it('gives each send its intended time on the schedule', () => {
    const schedule = new RateSchedule(200, 1_000_000);
    expect([0, 1, 2, 199, 200].map((i) => schedule.intendedMicros(i))).to.deep.equal([1_000_000, 1_005_000, 1_010_000, 1_995_000, 2_000_000]);
    const third = new RateSchedule(3, 0);
    expect([1, 2, 3].map((i) => third.intendedMicros(i))).to.deep.equal([333_333, 666_667, 1_000_000]);
  });

  it('says how many sends are due by a time, so a late loop catches up instead of drifting', () => {
    const schedule = new RateSchedule(1000, 10_000);
    expect(schedule.dueBy(9_999)).to.equal(0);
    expect(schedule.dueBy(10_000)).to.equal(1);
    expect(schedule.dueBy(10_999)).to.equal(1);
    expect(schedule.dueBy(110_000)).to.equal(101);
  });

  it('refuses a rate that is not above zero', () => {
    expect(() => new RateSchedule(0, 0)).to.throw(/rate must be above 0/);
  });

  it('splits a load between workers explicitly, differing by at most one', () => {
    expect(splitEvenly(10_000, 3)).to.deep.equal([3334, 3333, 3333]);
    expect(splitEvenly(2, 4)).to.deep.equal([1, 1, 0, 0]);
    expect(splitEvenly(10_000, 3).reduce((a, b) => a + b)).to.equal(10_000);
  });
});
