import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalKafkaError } from '../../kafka/errors.js';
import { checkJava, checkMaven, parseJavaMajor, resolveClasspath } from '../../kafka/toolchain.js';
import { tempDir, writeScript } from '../helpers/processes.js';

async function rejection(promise: Promise<unknown>): Promise<LocalKafkaError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(LocalKafkaError);
    return error as LocalKafkaError;
  }
  throw new Error('expected a rejection');
}

describe('kafka/toolchain', () => {
  const dir = tempDir('toolchain');
  after(() => dir.remove());

  it('reads the Java major version from java -version', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).to.equal(17);
    expect(parseJavaMajor('java version "1.8.0_392"')).to.equal(8);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).to.equal(21);
    expect(parseJavaMajor('no version here')).to.equal(undefined);
  });

  it('accepts the Java on this machine', async () => {
    expect(await checkJava('java')).to.be.at.least(17);
  });

  it('reports a missing Java in one line', async () => {
    const error = await rejection(checkJava(join(dir.path, 'no-such-java')));
    expect(error.code).to.equal('JAVA_MISSING');
    expect(error.message).to.match(/Java not found .*Java 17 or newer/).and.not.include('\n');
  });

  it('rejects a Java older than 17', async () => {
    const oldJava = writeScript(join(dir.path, 'java11'), `echo 'openjdk version "11.0.2" 2019-01-15' >&2`);
    const error = await rejection(checkJava(oldJava));
    expect(error.code).to.equal('JAVA_TOO_OLD');
    expect(error.message).to.include('Java 11 found').and.include('needs Java 17');
  });

  it('reports a missing Maven in one line', async () => {
    const error = await rejection(checkMaven(join(dir.path, 'no-such-mvn')));
    expect(error.code).to.equal('MAVEN_MISSING');
    expect(error.message).to.match(/^Maven not found/).and.not.include('\n');
  });

  it('needs Maven only when the classpath is not cached', async () => {
    const missingMaven = join(dir.path, 'no-such-mvn');
    const options = { kafkaVersion: '0.0.0', pomFile: join(dir.path, 'pom.xml'), mavenCommand: missingMaven };

    const uncached = await rejection(resolveClasspath({ ...options, cacheFile: join(dir.path, 'none.classpath') }));
    expect(uncached.code).to.equal('MAVEN_MISSING');

    const jar = join(dir.path, 'some.jar');
    writeFileSync(jar, '');
    const cacheFile = join(dir.path, 'cached.classpath');
    writeFileSync(cacheFile, jar);
    expect(await resolveClasspath({ ...options, cacheFile })).to.deep.equal({ classpath: jar, resolvedWithMaven: false });

    // A cache naming a jar that has since gone is not trusted.
    writeFileSync(cacheFile, join(dir.path, 'gone.jar'));
    expect((await rejection(resolveClasspath({ ...options, cacheFile }))).code).to.equal('MAVEN_MISSING');
  });
});
