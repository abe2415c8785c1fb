import { LAMBDA_JVM_FLAGS } from './config';
import { harnessClasses, postgresJar } from './java';
import { baseEnv, Command, failure, Sample } from './measure';
import type { BenchDatabase } from './postgres';

/**
 * The floor: bench/java/Floor.java with only the PostgreSQL driver on its classpath and the runner's JVM options.
 * One connection, one SELECT over DATABASECHANGELOG.
 */
export function floorCommand(db: BenchDatabase): Command {
  return {
    cmd: 'java',
    args: [...LAMBDA_JVM_FLAGS, '-cp', `${harnessClasses.floor}:${postgresJar()}`, 'Floor'],
    env: { ...baseEnv(), BENCH_JDBC_URL: db.jdbcUrl, BENCH_DB_USER: db.username, BENCH_DB_PASSWORD: db.password },
  };
}

export function checkFloor(sample: Sample, expectedRows: number): void {
  if (sample.exitCode !== 0 || Number(sample.stdout.trim()) !== expectedRows) {
    throw failure(`the floor read ${sample.stdout.trim()} rows, expected ${expectedRows}`, sample);
  }
}
