import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { LIQUIBASE_VERSION, runnerLibDir } from './config';
import { stockLibDir } from './stock-cli';

export interface Machine {
  readonly cores: number;
  readonly memoryBytes: number;
  readonly cpuModel: string;
}

export function describeMachine(): Machine {
  const cpu = cpus();
  return { cores: cpu.length, memoryBytes: totalmem(), cpuModel: cpu[0]?.model ?? 'unknown' };
}

export function describeVersions(postgresServer: string): Record<string, string> {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const jarVersion = (dir: string, prefix: string): string =>
    readdirSync(dir).find((f) => f.startsWith(prefix))?.slice(prefix.length).replace(/\.jar$/, '') ?? 'unknown';
  return {
    java: (java.stderr.split('\n').find((l) => l.includes('Runtime Environment')) ?? java.stderr.split('\n')[0]).trim(),
    liquibase: LIQUIBASE_VERSION,
    liquibaseInRunner: jarVersion(runnerLibDir, 'liquibase-core-'),
    liquibaseInStockCli: jarVersion(stockLibDir, 'liquibase-core-'),
    picocli: jarVersion(stockLibDir, 'picocli-'),
    postgresqlJdbc: jarVersion(runnerLibDir, 'postgresql-'),
    awsSdk: jarVersion(runnerLibDir, 'sdk-core-'),
    postgresServer,
    node: process.version,
  };
}

/**
 * Samples the one-minute load average while the bench runs, to tell a quiet run from one that shared its cores
 * with other work: that slows every contender and widens the spread, though the pairing keeps ratios fair.
 */
export function watchLoad(): () => { median: number; max: number; samples: number } {
  const samples: number[] = [];
  const timer = setInterval(() => samples.push(loadavg()[0]), 5000);
  timer.unref();
  return () => {
    clearInterval(timer);
    const sorted = [...samples].sort((a, b) => a - b);
    const median = sorted.length ? sorted[Math.floor(sorted.length / 2)] : loadavg()[0];
    return { median: Math.round(median * 100) / 100, max: Math.round((sorted[sorted.length - 1] ?? median) * 100) / 100,
      samples: sorted.length };
  };
}
