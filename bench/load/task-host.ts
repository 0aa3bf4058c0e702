/** Starts a measuring task (task-entry.ts) in a worker thread, or in a process when its driver cannot load in threads. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DriverName } from '../../clients/driver.js';
import { loadDriver } from '../../clients/registry.js';
import type { TaskAnswer, TaskInput, TaskMessage } from './task-entry.js';

export interface RunningTask<T, P = unknown> {
  /** Tells a long-running task to stop and report. */
  finish(): void;
  readonly result: Promise<T>;
  /** The last progress the task reported, if any. */
  progress(): P | undefined;
}

const ENTRY = new URL('./task-entry.js', import.meta.url);

/** Whether the driver's tasks can run in worker threads (else: processes). */
export async function threadsFor(driver: DriverName): Promise<boolean> {
  return (await loadDriver(driver)).info.capabilities.workerThreads;
}

/** `onProgress` hears every progress report, in order (`progress()` keeps only the last). */
export async function startTask<T, P = unknown>(input: TaskInput, name: string, onProgress?: (progress: P) => void): Promise<RunningTask<T, P>> {
  // An HTTP load loads no Kafka client: it can always run in a thread.
  const threads = input.kind === 'http' ? true : await threadsFor(input.task.driver);
  let answered = false;
  let latest: P | undefined;
  const onAnswer = (resolve: (value: T) => void, reject: (error: Error) => void) => (answer: TaskAnswer) => {
    if (answer.kind === 'progress') {
      latest = answer.progress as P;
      onProgress?.(latest);
      return;
    }
    answered = true;
    if (answer.kind === 'result') resolve(answer.result as T);
    else reject(new Error(`${name}: ${answer.error}`));
  };
  const progress = (): P | undefined => latest;
  if (threads) {
    const worker = new Worker(ENTRY, { workerData: input });
    const result = new Promise<T>((resolve, reject) => {
      worker.on('message', onAnswer(resolve, reject));
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (!answered) reject(new Error(`${name} stopped (code ${code}) without a result`));
      });
    });
    // A task that answered is done: its thread goes, or its open port keeps the process alive (a test run never exits).
    result.then(() => worker.terminate(), () => worker.terminate()).catch(() => undefined);
    return {
      finish: () => {
        worker.postMessage({ finish: true } satisfies TaskMessage);
      },
      result,
      progress,
    };
  }
  const child = fork(fileURLToPath(ENTRY), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const result = new Promise<T>((resolve, reject) => {
    child.on('message', onAnswer(resolve, reject));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!answered) reject(new Error(`${name} exited (${signal ?? String(code)}) without a result`));
    });
  });
  child.send(input);
  return {
    finish: () => {
      child.send({ finish: true } satisfies TaskMessage);
    },
    result,
    progress,
  };
}
