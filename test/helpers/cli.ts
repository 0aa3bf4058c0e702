import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../kafka/paths.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one of the project's compiled commands (dist/<script>) as a user would, and collects its output. */
export function runCli(script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot(), 'dist', script), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The environment without the variables that point a command at a configured cluster. */
export function envWithout(...names: string[]): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of names) Reflect.deleteProperty(env, name);
  return env;
}

/** A compiled command running in its own process, its output collected as it comes. */
export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  /** Standard output and error, interleaved as they arrived. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited(): Promise<number | null>;
  /** Sends the signal unless the process has already ended, and waits for its exit. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts one of the project's compiled commands (dist/<script>) and returns at once. */
export function startCli(script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): RunningCli {
  const child = spawn(process.execPath, [join(projectRoot(), 'dist', script), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    stdout: () => stdout,
    output: () => output,
    exited: () => exit,
    stop: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
  };
}
