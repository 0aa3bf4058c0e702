/**
 * The Apache Kafka release the project provisions and tests against: the one place it is recorded.
 * kafka/pom.xml receives it as -Dkafka.version; docker-compose.yml pins the same image tag
 * (test/docker-compose.test.ts checks they agree).
 * 4.3.1 is the newest 4.x release whose kafka_2.13 and kafka-tools jars are both on Maven Central.
 */
export const KAFKA_VERSION = '4.3.1';

/** The oldest Java the broker runs on. */
export const MIN_JAVA_MAJOR = 17;
