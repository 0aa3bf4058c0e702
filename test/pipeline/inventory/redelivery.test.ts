import { expect } from 'chai';
import { fixedSchedule, OrderGenerator } from '../../../pipeline/producer/order-generator.js';
import { OrderPublisher } from '../../../pipeline/producer/order-producer.js';
import { produceOrders } from '../../../pipeline/producer/produce-orders.js';
import { driverSuite, TEST_DRIVERS } from '../../helpers/drivers.js';
import { EVENT_TIME_START } from '../../helpers/fixtures.js';
import { waitFor } from '../../helpers/kafka.js';
import { createPipelineTopics, readMessages, startInventory } from '../../helpers/pipeline.js';
import { redeliveringClient } from '../../helpers/redelivering-client.js';

/**
 * A consumer that restarts in place fetches its committed offsets again; while the transaction that
 * moved them is still writing its markers the broker answers the offset before it (clients without
 * KIP-447's require_stable), and orders already committed come again. Under --exactly-once they
 * must not get a second committed result: every batch here is delivered twice.
 */
for (const driver of TEST_DRIVERS) describe(`pipeline/inventory: orders fetched again after their transaction committed, ${driver} driver (real broker)`, function () {
  this.timeout(120_000);
  const suite = driverSuite(driver, 'redelivery-test');
  const { cleanup } = suite;

  it('--exactly-once: each order has one committed result, and the second delivery is skipped', async () => {
    const count = 200;
    const topics = await createPipelineTopics(suite.admin, cleanup);
    const publisher = await OrderPublisher.open(suite.kafka, topics.orders);
    cleanup.add(() => publisher.close());
    await produceOrders(new OrderGenerator({ seed: 9, placedAt: fixedSchedule(EVENT_TIME_START, 50) }), publisher, { count, pacing: { kind: 'batch', batchSize: 50 } });

    const inventory = await startInventory(redeliveringClient(suite.kafka), topics, cleanup, { exactlyOnce: true, flushEvery: 20 });
    await waitFor('both deliveries of every order handled', () => (inventory.stats.processed + inventory.stats.redeliveredSkipped >= 2 * count ? true : undefined), 60_000);
    const results = await readMessages(suite.kafka, topics.inventory, count, cleanup);
    // Give a duplicate every chance to show up before asserting there is none.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(results).to.have.length(count);
    expect(new Set(results.map((m) => m.key?.toString())).size).to.equal(count);
    expect(inventory.stats).to.include({ processed: count, redeliveredSkipped: count });
  });
});
