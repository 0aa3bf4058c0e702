import { execFileSync } from 'node:child_process';
import { cpus, release, totalmem, type } from 'node:os';
import type { DriverInfo } from '../../clients/driver.js';
import type { KafkaTarget } from '../../kafka/embedded.js';
import { projectRoot } from '../../kafka/paths.js';
import { KAFKA_VERSION } from '../../kafka/version.js';
import type { RunEnvironment } from './run-result.js';

function commit(): string {
  try {
    const hash = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: projectRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: projectRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${hash}-dirty` : hash;
  } catch {
    return 'unknown';
  }
}

export function describeEnvironment(target: KafkaTarget, drivers: readonly DriverInfo[]): RunEnvironment {
  const processors = cpus();
  return {
    kafka: {
      // A local cluster lists one address per node.
      version: target.origin === 'configured' ? 'unknown (configured cluster)' : `Apache Kafka ${KAFKA_VERSION} (KRaft, ${target.brokers.length === 1 ? 'single node' : `${target.brokers.length} nodes`}, local)`,
      brokers: target.brokers,
      origin: target.origin,
    },
    drivers: drivers.map((d) => ({ name: d.name, library: d.library, version: d.version })),
    node: process.version,
    os: `${type()} ${release()}`,
    cpu: { model: processors[0]?.model.trim() ?? 'unknown', cores: processors.length },
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    commit: commit(),
  };
}
