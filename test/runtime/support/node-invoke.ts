import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { ReplayBundle } from './replay-bundle';

export type NodeInvocation = { ok: true; result: any } | { ok: false; error: { name: string; message: string; code?: string } };

/**
 * Loads the bundle in a fresh Node.js process with the function's environment, as the nodejs runtime does on a
 * cold start, and calls its handler with the event and a Lambda-shaped context. (Node.js 20 here; the function
 * runs on nodejs22.x.) What the handler returns or throws comes back as JSON on the last line of stdout.
 */
export function invokeNodeHandler(bundle: ReplayBundle, environment: Record<string, string>, event: unknown): Promise<NodeInvocation> {
  const functionName = bundle.fn.logicalId;
  const driver = `
    const { ${bundle.exportName}: handler } = require(${JSON.stringify(bundle.file)});
    const started = Date.now();
    const context = {
      functionName: ${JSON.stringify(functionName)},
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:' + process.env.AWS_REGION + ':123456789012:function:${functionName}',
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      awsRequestId: ${JSON.stringify(randomUUID())},
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => ${bundle.fn.timeoutSeconds * 1000} - (Date.now() - started),
      done() {}, fail() {}, succeed() {},
    };
    Promise.resolve(handler(JSON.parse(process.argv[1]), context)).then(
      (result) => console.log('\\n' + JSON.stringify({ ok: true, result })),
      (error) => console.log('\\n' + JSON.stringify({ ok: false, error: { name: error.name, message: error.message, code: error.code } })),
    );`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', driver, JSON.stringify(event)], {
      cwd: path.dirname(bundle.file),
      env: {
        PATH: process.env.PATH,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        AWS_LAMBDA_FUNCTION_NAME: functionName,
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(bundle.fn.memorySize),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
        AWS_LAMBDA_LOG_STREAM_NAME: '2026/01/01/[$LATEST]node',
        ...(bundle.fn.logFormat ? { AWS_LAMBDA_LOG_FORMAT: bundle.fn.logFormat } : {}),
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_SESSION_TOKEN: 'testing',
        LAMBDA_TASK_ROOT: path.dirname(bundle.file),
        TZ: ':UTC',
        ...environment,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`the handler process exited (${code}) without a result:\n${stdout}\n${stderr}`));
      }
    });
  });
}
