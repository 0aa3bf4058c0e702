import { runCommand } from '../../kafka/toolchain.js';

export interface KafkaToolJvm {
  readonly javaCommand: string;
  readonly classpath: string;
}

/**
 * Runs one of Kafka's own tools (org.apache.kafka.tools.<tool>) from the provisioned jars and
 * returns its standard output; a non-zero exit throws with the tool's last lines.
 */
export async function runKafkaTool(jvm: KafkaToolJvm, tool: string, args: readonly string[]): Promise<string> {
  const result = await runCommand(jvm.javaCommand, [
    '-Xmx512m',
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    '-cp',
    jvm.classpath,
    `org.apache.kafka.tools.${tool}`,
    ...args,
  ]);
  if (result.code !== 0) throw new Error(`${tool} exited ${String(result.code)}: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  return result.stdout;
}
