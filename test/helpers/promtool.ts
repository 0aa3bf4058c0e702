import { spawn } from 'node:child_process';

export interface PromtoolResult {
  readonly code: number | null;
  /** promtool's findings (lint problems, parse errors), empty when the exposition is clean. */
  readonly output: string;
}

/**
 * `promtool check metrics` (Debian's prometheus package; .ci/run installs it) over an exposition
 * text: Prometheus' own parser and linter, not ours. A missing promtool fails, it does not skip.
 */
export function promtoolCheckMetrics(exposition: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', (error) => {
      reject(new Error(`promtool could not run (${error.message}): apt-get install prometheus (.ci/run does)`));
    });
    child.on('close', (code) => {
      resolve({ code, output: output.trim() });
    });
    child.stdin.end(exposition);
  });
}
