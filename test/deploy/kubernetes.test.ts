import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { parse } from 'yaml';
import { projectRoot } from '../../kafka/paths.js';
import { envWithout, runCli } from '../helpers/cli.js';
import { freePort, tempDir } from '../helpers/processes.js';

const DIR = join(projectRoot(), 'deploy', 'kubernetes');
const read = (file: string): unknown => parse(readFileSync(join(DIR, file), 'utf8'));

const configMap = new ConfigMap(read('configmap.yaml') as ConstructorParameters<typeof ConfigMap>[0]);
const agents = new Job(read('agents-job.yaml') as ConstructorParameters<typeof Job>[0]);
const collector = new Job(read('collector-job.yaml') as ConstructorParameters<typeof Job>[0]);

/** The container's command without `node`: the compiled script and its arguments. */
function commandOf(job: Job): string[] {
  const [node, script = '', ...rest] = job.spec?.template.spec?.containers[0]?.command ?? [];
  expect(node).to.equal('node');
  return [script.replace(/^dist\//, ''), ...rest];
}

describe('deploy/kubernetes: the manifests of a multi-agent run', function () {
  this.timeout(60_000);

  it("validate against the Kubernetes API's schemas (kubernetes-models), and a broken one does not", () => {
    for (const resource of [configMap, agents, collector]) resource.validate();
    const raw = read('agents-job.yaml') as { spec: Record<string, unknown> };
    raw.spec.completionMode = 'Sometimes';
    const broken = new Job(raw as unknown as ConstructorParameters<typeof Job>[0]);
    expect(() => {
      broken.validate();
    }).to.throw(/completionMode/);
  });

  it('run one agent per index: an Indexed Job whose parallelism and completions are the ConfigMap\'s agent count, the collector once', () => {
    const count = Number(configMap.data?.AGENTS);
    expect(agents.spec?.completionMode).to.equal('Indexed');
    expect(agents.spec?.parallelism).to.equal(count);
    expect(agents.spec?.completions).to.equal(count);
    // A pod run again would send its share twice.
    expect(agents.spec?.backoffLimit).to.equal(0);
    for (const job of [agents, collector]) expect(job.spec?.template.spec?.containers[0]?.envFrom?.[0]?.configMapRef?.name).to.equal(configMap.metadata?.name);
    expect(commandOf(agents)).to.deep.equal(['bench/cli.js', '10k']);
    expect(commandOf(collector)).to.deep.equal(['bench/collect-cli.js']);
  });

  it("have the bench accept every flag of the ConfigMap, run here with the manifests' commands, index from JOB_COMPLETION_INDEX", async () => {
    const out = tempDir('k8s-collect');
    try {
      // A port nothing listens on: the commands parse their whole configuration, then fail to reach Kafka (exit 1, never 2).
      const env = { ...envWithout('KAFKA_BROKERS', 'BOOTSTRAP_SERVERS', 'KAFKA_PORT'), ...configMap.data, KAFKA_BROKERS: `127.0.0.1:${await freePort()}`, CI: 'true' };
      const [agentScript = '', ...agentArgs] = commandOf(agents);
      for (const index of ['0', '2']) {
        const agent = await runCli(agentScript, agentArgs, { ...env, JOB_COMPLETION_INDEX: index });
        expect(agent.code, agent.stderr).to.equal(1);
        expect(agent.stderr).to.match(/^bench 10k: cannot reach Kafka at 127\.0\.0\.1:\d+/);
      }
      const beyond = await runCli(agentScript, agentArgs, { ...env, JOB_COMPLETION_INDEX: '3' });
      expect(beyond.code).to.equal(2);
      expect(beyond.stderr.trim()).to.equal('bench: JOB_COMPLETION_INDEX must be a whole number from 0 to 2, got 3 (see --help)');
      const [collectScript = '', ...collectArgs] = commandOf(collector);
      const collect = await runCli(collectScript, collectArgs, { ...env, OUT: join(out.path, 'collected') });
      expect(collect.code, collect.stderr).to.equal(1);
      expect(collect.stderr).to.match(/^bench:collect: cannot reach Kafka at 127\.0\.0\.1:\d+/);
    } finally {
      await out.remove();
    }
  });
});
