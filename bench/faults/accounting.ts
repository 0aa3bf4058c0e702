/**
 * Every acknowledged order accounted for, from a final read of the committed results and dead
 * letters: lost (acknowledged, with neither a committed result nor a dead letter) or duplicated
 * (more than one committed result), and of the duplicates, those written twice to the order topic
 * by the load's producer and those a stage processed twice.
 */

export interface FinalRead {
  /** Each order's committed results (read_committed, to the end offsets), as partition@offset of the results topic: two far apart were processed in two transactions. */
  readonly results: ReadonlyMap<string, readonly string[]>;
  /** The order_ids of the committed dead letters. */
  readonly deadLettered: ReadonlySet<string>;
  /** Copies of each order on the order topic: more than one when the load's producer wrote it twice. */
  readonly orderCopies: ReadonlyMap<string, number>;
}

export interface Accounting {
  readonly orders_acknowledged: number;
  readonly orders_lost: number;
  /** Orders sent (acknowledged or not) with more than one committed result. */
  readonly orders_duplicated: number;
  /** Orders with more than one copy on the order topic: the load's producer, not a stage, duplicated them. */
  readonly orders_duplicated_on_input: number;
  /** Orders with more committed results than copies on the order topic: a stage processed a copy twice. */
  readonly orders_duplicated_by_stages: number;
  /** Acknowledged orders with exactly one committed result. */
  readonly orders_with_one_result: number;
  readonly orders_dead_lettered: number;
  /** Orders whose send was not acknowledged (failed or timed out) but which got a result anyway: written, not lost. */
  readonly unacknowledged_with_result: number;
  /** A few lost order_ids, for the check's detail. */
  readonly lostSample: readonly string[];
  /** A few duplicated order_ids, with their count of results and of copies on the order topic. */
  readonly duplicatedSample: readonly string[];
}

/** `sent` holds every order sent, `acknowledged` those the broker acknowledged (a subset). */
export function accountOrders(acknowledged: ReadonlySet<string>, sent: ReadonlySet<string>, read: FinalRead): Accounting {
  let lost = 0;
  let duplicated = 0;
  let one = 0;
  let dead = 0;
  const lostSample: string[] = [];
  for (const id of acknowledged) {
    const results = read.results.get(id)?.length ?? 0;
    if (results === 1) one += 1;
    if (results === 0 && read.deadLettered.has(id)) dead += 1;
    if (results === 0 && !read.deadLettered.has(id)) {
      lost += 1;
      if (lostSample.length < 5) lostSample.push(id);
    }
  }
  let unacknowledged = 0;
  let onInput = 0;
  let byStages = 0;
  const duplicatedSample: string[] = [];
  // Over every order sent: a send that timed out may still have been written, and then processed twice.
  for (const id of sent) {
    const places = read.results.get(id) ?? [];
    const results = places.length;
    const copies = read.orderCopies.get(id) ?? 0;
    if (results > 1) {
      duplicated += 1;
      if (copies > 1) onInput += 1;
      if (results > Math.max(1, copies)) byStages += 1;
      if (duplicatedSample.length < 5) duplicatedSample.push(`${id} ×${results} (${copies} ${copies === 1 ? 'copy' : 'copies'} on the order topic; results at ${places.join(', ')})`);
    }
    if (!acknowledged.has(id) && results > 0) unacknowledged += 1;
  }
  return { orders_acknowledged: acknowledged.size, orders_lost: lost, orders_duplicated: duplicated, orders_duplicated_on_input: onInput, orders_duplicated_by_stages: byStages, orders_with_one_result: one, orders_dead_lettered: dead, unacknowledged_with_result: unacknowledged, lostSample, duplicatedSample };
}
