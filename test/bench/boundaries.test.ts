/** The bench is not in the path it measures: it never loads a pipeline stage, it starts each as a process. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { projectRoot } from '../../kafka/paths.js';
import { sourceFiles } from '../helpers/processes.js';

/**
 * What runs a stage: its service, server or command line. Contracts, order generation, figure types
 * and the committing consumer (which the bench's own result reader uses, in a worker) are shared.
 */
const STAGE_MODULES = [/^pipeline\/inventory\//, /^pipeline\/api\//, /^pipeline\/analytics\/(service|http|prometheus|report|cli)\./, /^pipeline\/producer\/(cli|produce-orders)\./];

describe('bench: the stages stay out of its process', () => {
  it('imports no module that runs a pipeline stage', () => {
    const root = projectRoot();
    const found: string[] = [];
    for (const file of sourceFiles(join(root, 'bench'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
        const target = relative(root, resolve(dirname(file), match[1] ?? ''));
        if (STAGE_MODULES.some((pattern) => pattern.test(target))) found.push(`${relative(root, file)} imports ${target}`);
      }
    }
    expect(found).to.deep.equal([]);
  });
});
