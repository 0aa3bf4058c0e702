/**
 * How a bench run is stopped from outside (Ctrl-C, a supervisor's SIGTERM): the first signal
 * aborts the run, which then stops its stages, undoes its faults (a paused broker is resumed),
 * deletes its topics and stops the local cluster it started; a second signal, or a cleanup that
 * takes longer than graceMs, ends the process at once.
 */
import { constants } from 'node:os';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** A process ended by a signal exits 128 + its number, as a shell reports it (130 for SIGINT, 143 for SIGTERM). */
export function signalExitCode(signal: StopSignal): number {
  return 128 + constants.signals[signal];
}

/** The returned signal aborts (its reason the signal's name) at the first SIGINT or SIGTERM; onForcedExit is told before a forced exit. */
export function abortOnStopSignals(graceMs: number, onForcedExit: (why: string) => void): AbortSignal {
  const controller = new AbortController();
  const stop = (signal: StopSignal): void => {
    if (controller.signal.aborted) {
      onForcedExit(`${signal} again`);
      process.exit(signalExitCode(signal));
    }
    controller.abort(signal);
    setTimeout(() => {
      onForcedExit(`the cleanup took more than ${Math.round(graceMs / 1000)} s`);
      process.exit(signalExitCode(signal));
    }, graceMs).unref();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  return controller.signal;
}

export function isStopSignal(value: unknown): value is StopSignal {
  return STOP_SIGNALS.some((signal) => signal === value);
}
