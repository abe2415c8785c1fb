import { existsSync, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `work` while holding a lock directory. Jest runs test files in parallel workers, and two of them must not
 * install into, or synthesize into, the same folder at once. A lock left by a killed run is older than any
 * real setup and is taken over.
 */
export function withSetupLock<T>(lockDir: string, work: () => T, staleAfterMs = 15 * 60_000): T {
  mkdirSync(dirname(lockDir), { recursive: true });
  const deadline = Date.now() + staleAfterMs;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      if (existsSync(lockDir) && Date.now() - statSync(lockDir).mtimeMs > staleAfterMs) rmdirSync(lockDir);
      if (Date.now() > deadline) throw new Error(`${lockDir} stayed locked for ${staleAfterMs / 60_000} minutes`);
      sleepSync(500);
    }
  }
  try {
    return work();
  } finally {
    rmdirSync(lockDir);
  }
}
