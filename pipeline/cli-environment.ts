/**
 * Flags from the environment, by one rule for every command of the pipeline and the bench:
 *
 *   a flag --foo-bar also reads the variable FOO_BAR, and the names ENVIRONMENT_ALIASES gives it
 *   (those earlier versions read, and the seed stack's); a flag on the command line wins over the
 *   environment, the environment over an --env-file, an --env-file over the default.
 *
 * Only a command's own flags are read, so PATH, HOME or a PORT meant for another program never
 * configure one. yargs reads the values (its coercion, choices and checks apply; flags win over
 * them), but yargs' own .env('') would read every variable, and refuse PATH under .strict(): so the
 * variables are picked here, from the parser's own list of options, and handed to yargs as its
 * configuration layer. A bad value is refused in one line that names the variable.
 */
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { Argv } from 'yargs';
import { Parser } from 'yargs/helpers';

/** Names beside the rule's: earlier versions' and the seed stack's (first match wins, the rule's own name first). */
export const ENVIRONMENT_ALIASES: Readonly<Record<string, readonly string[]>> = {
  brokers: ['KAFKA_BROKERS', 'BOOTSTRAP_SERVERS'],
  driver: ['KAFKA_DRIVER'],
  group: ['GROUP_ID'],
  host: ['HTTP_HOST'],
  count: ['TOTAL_EVENTS'],
  'delay-ms': ['SLEEP_MS'],
  'failure-rate': ['FAIL_RATE'],
  'report-interval': ['REPORT_INTERVAL_SEC'],
  'log-level': ['KAFKA_LOG_LEVEL', 'KAFKAJS_LOG_LEVEL'],
  encoding: ['EVENT_ENCODING'],
  // A Kubernetes Indexed Job gives each pod its index in this variable.
  'agent-index': ['JOB_COMPLETION_INDEX'],
};

/** Flags of the machinery itself, which the rule does not map. */
const NOT_FROM_ENVIRONMENT = new Set(['help', 'version', 'env', 'env-file']);

/** The rule: --foo-bar reads FOO_BAR. */
export function ruleVariable(flag: string): string {
  return flag.toUpperCase().replaceAll('-', '_');
}

/** Every variable a flag reads, in the order they are tried. */
export function variablesOf(flag: string): readonly string[] {
  return [ruleVariable(flag), ...(ENVIRONMENT_ALIASES[flag] ?? [])];
}

/** What yargs knows about a parser's options (its getOptions(), which @types/yargs does not declare). */
interface DeclaredOptions {
  readonly key: Readonly<Record<string, boolean>>;
  readonly alias: Readonly<Record<string, readonly string[]>>;
  readonly number: readonly string[];
  readonly boolean: readonly string[];
  readonly array: readonly string[];
  readonly choices: Readonly<Record<string, readonly unknown[]>>;
}

function declaredOptions(argv: Argv<unknown>): DeclaredOptions {
  return (argv as unknown as { getOptions(): DeclaredOptions }).getOptions();
}

/** Whether a flag takes its variable, given the positionals and the flags on the command line (a flag conflicting with a given one does not). */
export type EnvironmentFilter = (flag: string, positionals: readonly string[], given: ReadonlySet<string>) => boolean;

/** A flag's value from the environment: the variable it came from and the text it held. */
export interface EnvironmentValue {
  readonly variable: string;
  readonly raw: string;
  readonly value: string | number | boolean;
}

export interface EnvironmentReading {
  /** By flag (the option's own name, not an alias). */
  readonly values: ReadonlyMap<string, EnvironmentValue>;
  /** A value that cannot be the flag's: one line naming the variable. */
  readonly problem: string | undefined;
  /** Names in the --env-file that no flag of this command reads. */
  readonly unused: readonly string[];
}

/** A dotenv file's variables (Node's own parser: KEY=value lines, # comments, quotes, export-free). */
export function readEnvFile(path: string, source = '--env-file'): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    throw new Error(`${source} ${path} cannot be read (${code})`);
  }
  const parsed = parseEnv(text);
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

const BOOLEANS: Readonly<Record<string, boolean>> = { true: true, false: false, '1': true, '0': false, yes: true, no: false };

function typed(flag: string, variable: string, raw: string, options: DeclaredOptions): { value: string | number | boolean } | { problem: string } {
  const text = raw.trim();
  const choices = options.choices[flag];
  if (choices && !choices.includes(text)) return { problem: `${variable} must be one of ${choices.join(', ')}, got ${JSON.stringify(raw)}` };
  if (options.boolean.includes(flag)) {
    const value = BOOLEANS[text.toLowerCase()];
    return value === undefined ? { problem: `${variable} must be true or false, got ${JSON.stringify(raw)}` } : { value };
  }
  if (options.number.includes(flag)) {
    const value = Number(text);
    return text === '' || !Number.isFinite(value) ? { problem: `${variable} must be a number, got ${JSON.stringify(raw)}` } : { value };
  }
  return { value: text };
}

/**
 * The values the command's flags take from the environment (and an env file beneath it), for the
 * flags not given on the command line and that `applies` lets through.
 */
export function readEnvironment(
  argv: Argv<unknown>,
  args: readonly string[],
  environment: Readonly<Record<string, string | undefined>>,
  file: Readonly<Record<string, string>> = {},
  applies: EnvironmentFilter = () => true,
): EnvironmentReading {
  const options = declaredOptions(argv);
  const aliasNames = new Set(Object.values(options.alias).flat());
  const flags = Object.keys(options.key).filter((key) => !NOT_FROM_ENVIRONMENT.has(key) && !aliasNames.has(key));
  const given = Parser(
    [...args],
    { alias: Object.fromEntries(Object.entries(options.alias).map(([key, names]) => [key, [...names]])), boolean: [...options.boolean], configuration: { 'camel-case-expansion': false } },
  );
  const positionals = given._.map(String);
  const givenFlags = new Set(Object.keys(given).filter((key) => key !== '_'));
  const values = new Map<string, EnvironmentValue>();
  const read = new Set<string>();
  let problem: string | undefined;
  for (const flag of flags) {
    for (const variable of variablesOf(flag)) read.add(variable);
    if (givenFlags.has(flag) || !applies(flag, positionals, givenFlags)) continue;
    const variable = variablesOf(flag).find((name) => (environment[name] ?? file[name] ?? '') !== '');
    if (variable === undefined) continue;
    const raw = environment[variable] ?? file[variable] ?? '';
    const result = typed(flag, variable, raw, options);
    if ('problem' in result) problem ??= result.problem;
    else values.set(flag, { variable, raw, value: result.value });
  }
  return { values, problem, unused: Object.keys(file).filter((name) => !read.has(name)) };
}

/** The --help section that names each flag's variables. */
export function environmentHelp(argv: Argv<unknown>): string {
  const options = declaredOptions(argv);
  const aliasNames = new Set(Object.values(options.alias).flat());
  const lines = Object.keys(options.key)
    .filter((key) => !NOT_FROM_ENVIRONMENT.has(key) && !aliasNames.has(key))
    .map((flag) => `  --${flag.padEnd(24)} ${variablesOf(flag).join(', ')}`);
  return [
    '',
    'Environment: each flag --foo-bar also reads FOO_BAR (and any other name below). A flag wins over',
    'its variable, a variable over --env-file FILE (dotenv format; or ENV_FILE), that over the default;',
    '--no-env reads neither.',
    ...lines,
  ].join('\n');
}
