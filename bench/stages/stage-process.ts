/**
 * A pipeline stage as its own OS process: the same command a user runs, started by the bench with
 * the run's topics, groups and driver. Its output goes to a log file in the report folder; the bench
 * learns that it is up from its start-up line, and stops it at the end, even on failure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../kafka/paths.js';

export interface StageProcessOptions {
  /** For messages and the log file: inventory-1, analytics. */
  readonly name: string;
  /** The compiled command, relative to dist/: pipeline/inventory/cli.js. */
  readonly script: string;
  readonly args: readonly string[];
  readonly logFile: string;
  /** A line of the stage's standard output that says it has started. */
  readonly ready: RegExp;
  readonly startTimeoutMs: number;
  /** Node options for the stage (a CPU profile: --cpu-prof --cpu-prof-dir=…). */
  readonly nodeOptions?: readonly string[];
}

export interface StageExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** How much of a stage's output is kept in memory, for error messages and its summary line. */
const TAIL_BYTES = 16_384;

/**
 * Output for the log file, each line begun with the time it arrived (HH:MM:SS.mmm, UTC), so that
 * what a stage said can be set beside a run's faults; `atLineStart` carries over between chunks.
 */
export function stampLines(chunk: string, atLineStart: boolean, now: Date): { text: string; atLineStart: boolean } {
  if (chunk === '') return { text: '', atLineStart };
  const stamp = `${now.toISOString().slice(11, 23)} `;
  const body = chunk.endsWith('\n') ? chunk.slice(0, -1) : chunk;
  const text = (atLineStart ? stamp : '') + body.replaceAll('\n', `\n${stamp}`) + (body === chunk ? '' : '\n');
  return { text, atLineStart: chunk.endsWith('\n') };
}

export class StageProcess {
  readonly exited: Promise<StageExit>;
  private tail = '';
  private logAtLineStart = true;
  private stopping = false;
  private readonly unexpectedExitListeners: ((exit: StageExit, tail: string) => void)[] = [];

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly logFd: number,
  ) {
    this.exited = new Promise((resolve) => {
      // 'close', not 'exit': the output is all in by then.
      child.once('close', (code, signal) => {
        const exit = { code, signal };
        closeSync(this.logFd);
        if (!this.stopping) for (const listener of this.unexpectedExitListeners) listener(exit, this.tail);
        resolve(exit);
      });
    });
  }

  /** Starts the stage and resolves once it printed its start-up line (the match is returned), or rejects with its last output. */
  static async start(options: StageProcessOptions): Promise<{ stage: StageProcess; ready: RegExpExecArray }> {
    const logFd = openSync(options.logFile, 'a');
    writeSync(logFd, `=== ${new Date().toISOString()} node ${options.script} ${options.args.join(' ')}\n`);
    const child = spawn(process.execPath, [...(options.nodeOptions ?? []), join(projectRoot(), 'dist', options.script), ...options.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: 'true' },
    });
    const stage = new StageProcess(options.name, child, logFd);
    const ready = new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${options.name} did not start within ${Math.round(options.startTimeoutMs / 1000)} s; its last output: ${stage.lastLines(5)}`));
      }, options.startTimeoutMs);
      const onData = (chunk: Buffer): void => {
        stage.record(chunk);
        const match = options.ready.exec(stage.tail);
        if (match) {
          clearTimeout(timer);
          resolve(match);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => {
        stage.record(chunk);
      });
      void stage.exited.then((exit) => {
        clearTimeout(timer);
        reject(new Error(`${options.name} exited during start (${exit.signal ?? `code ${String(exit.code)}`}): ${stage.lastLines(5)}`));
      });
    });
    try {
      return { stage, ready: await ready };
    } catch (error) {
      await stage.stop(2_000);
      throw error;
    }
  }

  private record(chunk: Buffer): void {
    const stamped = stampLines(chunk.toString('utf8'), this.logAtLineStart, new Date());
    this.logAtLineStart = stamped.atLineStart;
    writeSync(this.logFd, stamped.text);
    this.tail = (this.tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines the stage printed, joined into one line. */
  lastLines(count: number): string {
    return this.tail.trim().split('\n').slice(-count).join(' | ');
  }

  /** The stage's output since it started, as far as kept. */
  output(): string {
    return this.tail;
  }

  /** Called if the stage exits without being asked to. */
  onUnexpectedExit(listener: (exit: StageExit, tail: string) => void): void {
    this.unexpectedExitListeners.push(listener);
  }

  /** Sends a signal without stopping: a fault (SIGKILL, SIGSTOP, SIGCONT). */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGKILL, expected (a fault of bench:chaos): resolves once the process is gone. */
  kill(): Promise<StageExit> {
    this.stopping = true;
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** SIGTERM, so that the stage commits and prints its summary; SIGKILL after graceMs. */
  async stop(graceMs = 15_000): Promise<StageExit> {
    this.stopping = true;
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      try {
        return await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return this.exited;
  }
}
