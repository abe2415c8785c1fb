import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { withSetupLock } from './setup-lock';

export const repoRoot = join(__dirname, '..', '..', '..');
const installDir = join(repoRoot, '.local', 'lambda-runtime');

export interface LambdaRuntimePieces {
  /** AWS's Runtime Interface Emulator, built from its Go module. */
  readonly emulator: string;
  /** AWS's Java runtime interface client and its dependencies: what the managed runtime has in /var/runtime/lib. */
  readonly runtimeClientLib: string;
}

/** Installs the emulator and the Java runtime interface client into .local/ on first use (a fresh clone). */
export function ensureLambdaRuntime(): LambdaRuntimePieces {
  withSetupLock(join(repoRoot, '.local', 'ensure-lambda-runtime.lock'), () => {
    const setup = spawnSync('bash', [join(repoRoot, 'scripts', 'ensure-lambda-runtime.sh')], {
      stdio: ['ignore', 2, 2],
    });
    if (setup.status !== 0) {
      throw new Error(`scripts/ensure-lambda-runtime.sh failed (exit ${setup.status ?? setup.signal})`);
    }
  });
  return { emulator: join(installDir, 'bin', 'aws-lambda-rie'), runtimeClientLib: join(installDir, 'lib') };
}
