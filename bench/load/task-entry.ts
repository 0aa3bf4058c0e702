/**
 * Where a measuring task runs when it is not on the main thread: a worker thread, or a process of its
 * own for a driver whose client cannot load in threads. The same protocol either way: the task's
 * input comes in; `finish` may follow (a long-running task, told when to stop); the result goes out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorText } from '../../clients/errors.js';
import { probeEndToEnd, type ProbeTask } from './end-to-end-probe.js';
import { runHttpLoad, type HttpLoadTask } from './http-load.js';
import type { ProducerTask } from './producer-task.js';
import produceShare from './producer-worker.js';
import { readResults, type ResultReaderTask } from './result-reader.js';

export type TaskInput =
  | { readonly kind: 'produce'; readonly task: ProducerTask }
  | { readonly kind: 'read-results'; readonly task: ResultReaderTask }
  | { readonly kind: 'probe'; readonly task: ProbeTask }
  | { readonly kind: 'http'; readonly task: HttpLoadTask };
export type TaskMessage = { readonly finish: true };
export type TaskAnswer =
  | { readonly kind: 'result'; readonly result: unknown }
  | { readonly kind: 'error'; readonly error: string }
  /** A running task's counts so far. */
  | { readonly kind: 'progress'; readonly progress: unknown };

function run(input: TaskInput, finished: Promise<void>, report: (progress: unknown) => void): Promise<unknown> {
  switch (input.kind) {
    case 'produce':
      return produceShare(input.task);
    case 'read-results':
      return readResults(input.task, finished, report);
    case 'probe':
      return probeEndToEnd(input.task);
    case 'http':
      return runHttpLoad(input.task);
  }
}

function serve(input: TaskInput, onMessage: (listener: (message: TaskMessage) => void) => void, answer: (message: TaskAnswer) => void): void {
  const finished = new Promise<void>((resolve) => {
    // The only message a task is sent is `finish`.
    onMessage(() => {
      resolve();
    });
  });
  run(input, finished, (progress) => {
    answer({ kind: 'progress', progress });
  }).then(
    (result) => {
      answer({ kind: 'result', result });
    },
    (error: unknown) => {
      answer({ kind: 'error', error: errorText(error) });
    },
  );
}

if (parentPort) {
  const port = parentPort;
  serve(
    workerData as TaskInput,
    (listener) => port.on('message', listener),
    (message) => {
      port.postMessage(message);
    },
  );
} else {
  process.once('message', (input: TaskInput) => {
    serve(
      input,
      (listener) => process.on('message', listener),
      (message) => process.send?.(message, () => (message.kind === 'progress' ? undefined : process.exit(message.kind === 'result' ? 0 : 1))),
    );
  });
}
