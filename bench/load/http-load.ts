/**
 * POST /order load from one worker thread, on undici's connection pool: closed loop (each of the
 * worker's connections sends its next request when the last one is answered) or open loop (requests
 * on a fixed schedule, latency from each one's intended time). Each request carries the bench's
 * headers, which the REST service copies onto its order and the inventory onto the result.
 */
import { Pool } from 'undici';
import type { OrderPlaced } from '../../pipeline/contracts/events.js';
import { createLatencyHistogram, encodeHistogram, recordMicros } from '../../pipeline/histogram.js';
import { OrderGenerator, wallClock } from '../../pipeline/producer/order-generator.js';
import { RateSchedule } from '../../pipeline/producer/rate-schedule.js';
import { systemClock, waitUntil } from '../measure/clock.js';
import { benchHeaders, type Phase } from '../measure/headers.js';

export interface HttpLoadTask {
  readonly workerIndex: number;
  /** The service's origin, http://host:port. */
  readonly origin: string;
  readonly connections: number;
  /** Requests per second of this worker (open loop); null: closed loop. */
  readonly rate: number | null;
  /** Requests this worker sends, or until `durationMs` when null. */
  readonly count: number | null;
  readonly durationMs: number;
  readonly phase: Phase;
  readonly runId: string;
  readonly seed: number;
}

export interface HttpLoadResult {
  readonly workerIndex: number;
  readonly requests: number;
  /** Status code → count; 0 for requests that got no answer (a connection error). */
  readonly statuses: Readonly<Record<string, number>>;
  readonly startedMicros: number;
  readonly endedMicros: number;
  /** Request (intended time) to response, every answered request. */
  readonly latency: string;
  /** How late requests started after their intended times (open loop only). */
  readonly sendLag: string | null;
  readonly firstError: string | undefined;
}

/** The body a student's app would send for this order: prices are the service's to set. */
function requestBody(order: OrderPlaced): string {
  return JSON.stringify({ student_id: order.student_id, restaurant: order.restaurant, items: order.items.map(({ item, quantity }) => ({ item, quantity })) });
}

const clock = systemClock;

export async function runHttpLoad(task: HttpLoadTask): Promise<HttpLoadResult> {
  const pool = new Pool(task.origin, { connections: task.connections, pipelining: 1 });
  const generator = new OrderGenerator({ seed: task.seed, placedAt: wallClock() });
  const latency = createLatencyHistogram();
  const sendLag = task.rate === null ? undefined : createLatencyHistogram();
  const statuses: Record<string, number> = {};
  let requests = 0;
  let firstError: string | undefined;
  const started = clock.nowMicros();
  const stopAt = started + task.durationMs * 1000;
  const more = (sent: number): boolean => (task.count === null ? clock.nowMicros() < stopAt : sent < task.count);

  const send = async (intended: number): Promise<void> => {
    requests += 1;
    let status = 0;
    try {
      const response = await pool.request({
        path: '/order',
        method: 'POST',
        headers: { 'content-type': 'application/json', ...benchHeaders(intended, task.phase, task.runId) },
        body: requestBody(generator.next()),
      });
      status = response.statusCode;
      await response.body.dump();
    } catch (error) {
      firstError ??= error instanceof Error ? error.message : String(error);
    }
    statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
    if (status !== 0) recordMicros(latency, clock.nowMicros() - intended);
  };

  try {
    if (task.rate === null) {
      let issued = 0;
      const connection = async (): Promise<void> => {
        while (more(issued)) {
          issued += 1;
          await send(clock.nowMicros());
        }
      };
      await Promise.all(Array.from({ length: task.connections }, connection));
    } else {
      const schedule = new RateSchedule(task.rate, started + 1_000);
      const inFlight = new Set<Promise<void>>();
      for (let i = 0; more(i); i++) {
        const intended = schedule.intendedMicros(i);
        await waitUntil(clock, intended);
        if (sendLag) recordMicros(sendLag, clock.nowMicros() - intended);
        const request = send(intended).finally(() => inFlight.delete(request));
        inFlight.add(request);
      }
      await Promise.all(inFlight);
    }
    return { workerIndex: task.workerIndex, requests, statuses, startedMicros: started, endedMicros: clock.nowMicros(), latency: encodeHistogram(latency), sendLag: sendLag ? encodeHistogram(sendLag) : null, firstError };
  } finally {
    await pool.close();
  }
}
