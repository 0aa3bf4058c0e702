/** The driver seam holds: a client library is imported only inside its own driver folder (and that folder's tests, test/clients/<driver>/). */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../../kafka/paths.js';
import { sourceFiles } from '../helpers/processes.js';

const LIBRARIES: Readonly<Record<string, string>> = {
  kafkajs: 'clients/kafkajs/',
  'kafkajs-snappy': 'clients/kafkajs/',
  'kafkajs-lz4': 'clients/kafkajs/',
  '@mongodb-js/zstd': 'clients/kafkajs/',
  '@platformatic/kafka': 'clients/platformatic/',
  '@confluentinc/kafka-javascript': 'clients/confluent/',
};

describe('clients: the driver boundary', () => {
  it("imports each client library only in its own driver folder and that folder's tests", () => {
    const root = projectRoot();
    const misplaced: string[] = [];
    for (const folder of ['kafka', 'clients', 'pipeline', 'bench', 'test']) {
      for (const file of sourceFiles(join(root, folder))) {
        const path = relative(root, file);
        const text = readFileSync(file, 'utf8');
        for (const [library, home] of Object.entries(LIBRARIES)) {
          const imported = new RegExp(`(from|import|require)\\s*\\(?\\s*'${library.replace('/', '\\/')}(/[^']*)?'`).test(text);
          if (imported && !path.startsWith(home) && !path.startsWith(`test/${home}`)) misplaced.push(`${path} imports ${library}`);
        }
      }
    }
    expect(misplaced).to.deep.equal([]);
  });
});
