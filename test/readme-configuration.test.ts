import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../kafka/paths.js';
import { runCli } from './helpers/cli.js';

const COMMANDS = { producer: 'pipeline/producer/cli.js', api: 'pipeline/api/cli.js', inventory: 'pipeline/inventory/cli.js', analytics: 'pipeline/analytics/cli.js', bench: 'bench/cli.js', collect: 'bench/collect-cli.js' } as const;

interface Row {
  readonly variable: string;
  readonly aliases: readonly string[];
  readonly commands: readonly string[];
}

/** The README's configuration table: flag → its variable, its other names, the commands that take it. */
function readmeTable(): Map<string, Row> {
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## The local broker'));
  const rows = new Map<string, Row>();
  for (const line of section.split('\n')) {
    const cells = /^\| `--([a-z-]+)` \| `([A-Z_]+)` \| ([^|]*) \| [^|]* \| ([^|]*) \|$/.exec(line);
    if (!cells) continue;
    const names = (text: string | undefined): string[] => (text ?? '').split(',').map((s) => s.trim().replaceAll('`', '')).filter(Boolean);
    rows.set(cells[1] ?? '', { variable: cells[2] ?? '', aliases: names(cells[3]), commands: names(cells[4]) });
  }
  return rows;
}

/** A command's flags and their variables, from the end of its own --help. */
async function helpVariables(script: string): Promise<Map<string, string[]>> {
  const help = await runCli(script, ['--help']);
  expect(help.code).to.equal(0);
  const variables = new Map<string, string[]>();
  for (const line of help.stdout.slice(help.stdout.indexOf('Environment:')).split('\n')) {
    const match = /^ {2}--([a-z-]+) +([A-Z_, ]+)$/.exec(line);
    if (match) variables.set(match[1] ?? '', (match[2] ?? '').split(', '));
  }
  return variables;
}

describe('README: the configuration table', () => {
  const table = readmeTable();

  it('has a row per flag', () => {
    expect(table.size).to.be.greaterThan(40);
  });

  for (const [command, script] of Object.entries(COMMANDS)) {
    it(`names every flag of ${command} with the variables its --help gives, and only those`, async () => {
      const flags = await helpVariables(script);
      expect(flags.size).to.be.greaterThan(5);
      for (const [flag, [variable, ...aliases]] of flags) {
        const row = table.get(flag);
        expect(row, `--${flag} has a row`).to.not.equal(undefined);
        expect(row?.variable, `--${flag}`).to.equal(variable);
        expect(row?.aliases, `--${flag}`).to.deep.equal(aliases);
        expect(row?.commands, `--${flag}`).to.include(command);
      }
      for (const [flag, row] of table) {
        if (row.commands.includes(command) && flag !== 'env-file') expect(flags.has(flag), `${command} takes --${flag}`).to.equal(true);
      }
    });
  }

  it("accepts every one of the seed stack's names", () => {
    const names = new Set([...table.values()].flatMap((row) => [row.variable, ...row.aliases]));
    for (const name of ['BOOTSTRAP_SERVERS', 'FAIL_RATE', 'THROTTLE_MS', 'REPORT_INTERVAL_SEC', 'WINDOW_SEC', 'GROUP_INSTANCE_ID', 'AUTO_OFFSET_RESET', 'TOTAL_EVENTS', 'SLEEP_MS', 'GROUP_ID', 'ORDER_TOPIC', 'INVENTORY_TOPIC', 'HTTP_HOST', 'HTTP_PORT']) {
      expect(names.has(name), name).to.equal(true);
    }
    // And the names earlier versions read.
    for (const name of ['KAFKA_BROKERS', 'DLQ_TOPIC', 'PARTITIONS', 'PORT', 'KAFKA_DRIVER', 'KAFKA_LOG_LEVEL']) expect(names.has(name), name).to.equal(true);
  });
});
