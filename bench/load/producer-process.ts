/**
 * A producer share in a process of its own, for drivers whose client cannot load in worker threads
 * (a native addon that is not context-aware): the same work as producer-worker.ts, over IPC.
 */
import { errorText } from '../../clients/errors.js';
import type { ProducerTask } from './producer-task.js';
import produceShare from './producer-worker.js';

process.once('message', (task: ProducerTask) => {
  produceShare(task).then(
    (result) => process.send?.({ ok: true, result }, () => process.exit(0)),
    (error: unknown) => process.send?.({ ok: false, error: errorText(error) }, () => process.exit(1)),
  );
});
