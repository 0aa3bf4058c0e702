/** Time in microseconds since the Unix epoch, from the monotonic clock, comparable across worker threads. */
export interface Clock {
  nowMicros(): number;
}

export const systemClock: Clock = {
  // timeOrigin + now() is epoch-aligned in every thread; performance.now() does not jump with NTP.
  nowMicros: () => Math.round((performance.timeOrigin + performance.now()) * 1000),
};
