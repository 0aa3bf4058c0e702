/**
 * Whether the cluster answers now, for GET /health: a real metadata round trip through the
 * driver's admin, bounded by a short timeout and cached briefly so that a polling load balancer
 * does not become the broker's load. One round trip at a time: while one is unanswered (a
 * stopped broker), later checks wait on it, up to the timeout, instead of piling up.
 */
import type { DriverAdmin, KafkaClient } from '../../clients/driver.js';
import { fulfilsWithin } from '../timeouts.js';

export interface BrokerHealthOptions {
  /** How long the round trip may take before the broker counts as unreachable. */
  readonly timeoutMs: number;
  /** How long an answer is reused. */
  readonly cacheMs: number;
}

export const DEFAULT_BROKER_HEALTH: BrokerHealthOptions = { timeoutMs: 2_000, cacheMs: 1_000 };

export class BrokerHealth {
  private admin: Promise<DriverAdmin> | undefined;
  private roundTrip: Promise<void> | undefined;
  private last: { readonly at: number; readonly reachable: boolean } | undefined;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: BrokerHealthOptions = DEFAULT_BROKER_HEALTH,
  ) {}

  async reachable(): Promise<boolean> {
    if (this.last && performance.now() - this.last.at < this.options.cacheMs) return this.last.reachable;
    this.roundTrip ??= this.describe().finally(() => {
      this.roundTrip = undefined;
    });
    const reachable = await fulfilsWithin(this.roundTrip, this.options.timeoutMs);
    this.last = { at: performance.now(), reachable };
    return reachable;
  }

  private async describe(): Promise<void> {
    this.admin ??= this.client.admin();
    const admin = this.admin;
    try {
      await (await admin).describeCluster();
    } catch (error) {
      // A failed admin is dropped: the next check connects afresh.
      if (this.admin === admin) this.admin = undefined;
      void admin.then((a) => a.close()).catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await (await admin).close();
  }
}
