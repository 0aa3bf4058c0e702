import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json, found from this file whether it runs from source or from dist/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'kafka', 'pom.xml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (package.json beside kafka/pom.xml)');
    dir = parent;
  }
}
