import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname } from 'node:path';
import { LocalKafkaError } from './errors.js';
import { MIN_JAVA_MAJOR } from './version.js';

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion; rejects with ENOENT when the command does not exist. */
export function runCommand(command: string, args: readonly string[], options: { cwd?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

function isMissingCommand(error: unknown): boolean {
  return error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'EACCES');
}

/** The java command to use: $JAVA_HOME/bin/java when JAVA_HOME is set, else java on PATH. */
export function defaultJavaCommand(env: NodeJS.ProcessEnv): string {
  return env.JAVA_HOME ? `${env.JAVA_HOME}/bin/java` : 'java';
}

/** Parses the major version from `java -version` output: "17.0.15" → 17, "1.8.0_392" → 8. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

/** Checks that Java 17+ is there; returns its major version. */
export async function checkJava(javaCommand: string): Promise<number> {
  let result: CommandResult;
  try {
    result = await runCommand(javaCommand, ['-version']);
  } catch (error) {
    if (isMissingCommand(error)) {
      throw new LocalKafkaError(
        'JAVA_MISSING',
        `Java not found ('${javaCommand}'): the local Kafka broker needs Java ${MIN_JAVA_MAJOR} or newer on PATH or in JAVA_HOME, or set KAFKA_BROKERS to use an existing cluster`,
        { cause: error },
      );
    }
    throw error;
  }
  const major = parseJavaMajor(result.stderr + result.stdout);
  if (major === undefined) {
    throw new LocalKafkaError('JAVA_MISSING', `'${javaCommand} -version' printed no version: the local Kafka broker needs Java ${MIN_JAVA_MAJOR} or newer`);
  }
  if (major < MIN_JAVA_MAJOR) {
    throw new LocalKafkaError(
      'JAVA_TOO_OLD',
      `Java ${major} found ('${javaCommand}'), but the local Kafka broker needs Java ${MIN_JAVA_MAJOR} or newer: install it or point JAVA_HOME at it`,
    );
  }
  return major;
}

/** Checks that Maven is there. */
export async function checkMaven(mavenCommand: string): Promise<void> {
  try {
    const result = await runCommand(mavenCommand, ['--version']);
    if (result.code !== 0) throw Object.assign(new Error(result.stderr.trim()), { code: 'ENOENT' });
  } catch (error) {
    if (isMissingCommand(error)) {
      throw new LocalKafkaError(
        'MAVEN_MISSING',
        `Maven not found ('${mavenCommand}'): the first start of the local Kafka broker downloads its jars with Maven; install Maven, or set KAFKA_BROKERS to use an existing cluster`,
        { cause: error },
      );
    }
    throw error;
  }
}

export interface ClasspathOptions {
  readonly kafkaVersion: string;
  readonly pomFile: string;
  /** Where the resolved classpath is kept between runs (the jars themselves stay in Maven's local repository). */
  readonly cacheFile: string;
  readonly mavenCommand: string;
}

function cachedClasspath(cacheFile: string): string | undefined {
  if (!existsSync(cacheFile)) return undefined;
  const classpath = readFileSync(cacheFile, 'utf8').trim();
  const jars = classpath.split(delimiter);
  return jars.length > 0 && jars.every((jar) => existsSync(jar)) ? classpath : undefined;
}

/**
 * The broker's classpath: from the cache when every jar in it is still there, else resolved
 * with Maven from kafka/pom.xml (a download on the first run, seconds after that).
 */
export async function resolveClasspath(options: ClasspathOptions): Promise<{ classpath: string; resolvedWithMaven: boolean }> {
  const cached = cachedClasspath(options.cacheFile);
  if (cached) return { classpath: cached, resolvedWithMaven: false };

  await checkMaven(options.mavenCommand);
  mkdirSync(dirname(options.cacheFile), { recursive: true });
  const outputFile = `${options.cacheFile}.tmp`;
  const result = await runCommand(options.mavenCommand, [
    '--batch-mode',
    '--quiet',
    '--file',
    options.pomFile,
    `-Dkafka.version=${options.kafkaVersion}`,
    'dependency:build-classpath',
    `-Dmdep.outputFile=${outputFile}`,
  ]);
  if (result.code !== 0 || !existsSync(outputFile)) {
    const output = (result.stdout + result.stderr).trim().split('\n').slice(-15).join('\n');
    throw new LocalKafkaError(
      'MAVEN_FAILED',
      `Maven could not resolve Apache Kafka ${options.kafkaVersion} from ${options.pomFile} (exit ${String(result.code)}); is Maven Central reachable?`,
      { details: output },
    );
  }
  const classpath = readFileSync(outputFile, 'utf8').trim();
  writeFileSync(options.cacheFile, classpath);
  return { classpath, resolvedWithMaven: true };
}
