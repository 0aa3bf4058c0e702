/** Folders the commands write their reports into: made, and proved writable, before the work starts. */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * mkdir -p, one level at a time: Node's recursive mkdir never returns under /proc (it retries a
 * level the kernel will not create), where this fails at once.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let current = resolve(dir);
  while (!existsSync(current)) {
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const level of missing.reverse()) mkdirSync(level);
}

/** Makes the folder and writes a file in it; throws one line naming the folder and why it cannot be written. */
export function prepareWritableDir(dir: string, flag: string): void {
  try {
    makeDirs(dir);
    const probe = join(dir, `.write-check-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown';
    throw new Error(`the report folder ${dir} cannot be written (${code}); choose another with ${flag}`);
  }
}
