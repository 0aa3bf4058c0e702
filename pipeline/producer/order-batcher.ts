/**
 * Orders from concurrent callers (the REST service's requests) share produce requests, each caller
 * still answered only once the broker has acknowledged its own order. One send is in flight at a
 * time; what arrives meanwhile waits for it and goes in the next (group commit), and an idle
 * batcher waits at most `lingerMs` for company before it sends.
 */
import type { OrderPlaced } from '../contracts/events.js';
import type { Headers } from '../../clients/driver.js';
import type { OrderPublisher, OrderWithHeaders } from './order-producer.js';

/** An order that never went to the client library: refused before the send, so it will never be published. */
export class OrderNotSentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OrderNotSentError';
  }
}

export interface BatcherOptions {
  /** How long an order may wait for others before a send starts (0: the current turn of the event loop only). */
  readonly lingerMs: number;
  /** Orders per send at most. */
  readonly maxBatch: number;
}

interface Waiting {
  readonly entry: OrderWithHeaders;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class OrderBatcher {
  private waiting: Waiting[] = [];
  private sending = false;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;

  constructor(
    private readonly publisher: OrderPublisher,
    private readonly options: BatcherOptions,
  ) {}

  /**
   * Resolves once the broker acknowledged this order; rejects with the send's error. When the signal
   * aborts while the order still waits for a send, it is withdrawn (OrderNotSentError); once in a send, it stays.
   */
  publish(order: OrderPlaced, headers?: Headers, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new OrderNotSentError('withdrawn before it was sent'));
        return;
      }
      const waiting: Waiting = { entry: { order, ...(headers ? { headers } : {}) }, resolve, reject };
      this.waiting.push(waiting);
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.waiting.indexOf(waiting);
          if (index < 0) return;
          this.waiting.splice(index, 1);
          reject(new OrderNotSentError('withdrawn before it was sent: the send before it had not been acknowledged'));
        },
        { once: true },
      );
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.sending || this.timer) return;
    if (this.waiting.length >= this.options.maxBatch) {
      this.flush();
      return;
    }
    const flushLater = () => {
      this.timer = undefined;
      this.flush();
    };
    this.timer = this.options.lingerMs > 0 ? setTimeout(flushLater, this.options.lingerMs) : setImmediate(flushLater);
  }

  private flush(): void {
    if (this.sending || this.waiting.length === 0) return;
    const batch = this.waiting.splice(0, this.options.maxBatch);
    this.sending = true;
    this.publisher.publishEach(batch.map((w) => w.entry)).then(
      () => {
        for (const w of batch) w.resolve();
      },
      (error: unknown) => {
        for (const w of batch) w.reject(error);
      },
    ).finally(() => {
      this.sending = false;
      // What waited for this send has waited long enough: it goes at once.
      if (this.waiting.length > 0) this.flush();
    });
  }
}
