import { Logger } from '@aws-lambda-powertools/logger';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { loadReplayConfig, type ReplayConfig } from './lib/config';
import { isUsageError, ReplayError } from './lib/errors';
import { requestReplay, type ReplayResult } from './lib/replay-request';

const logger = new Logger({ serviceName: 'db-migrator-replay' });
// Created once per execution environment so warm invocations reuse their connections.
const cloudFormation = new CloudFormationClient({});
const eventBridge = new EventBridgeClient({});

let config: ReplayConfig | undefined;

/**
 * Loaded on the first call rather than at import, so a misconfiguration reaches the synchronous caller as an
 * ordinary error message naming the variable; a success is kept for the life of the environment.
 */
function getConfig(): ReplayConfig {
  config ??= loadReplayConfig(process.env);
  return config;
}

export async function handler(event: unknown, context?: Context): Promise<ReplayResult> {
  if (context) logger.addContext(context);
  try {
    const { eventBusName, watched } = getConfig();
    const result = await requestReplay({ cloudFormation, eventBridge, eventBusName, watched }, event);
    logger.info('replay requested', { ...result });
    return result;
  } catch (error) {
    const code = error instanceof ReplayError ? error.code : 'UNEXPECTED';
    if (isUsageError(error)) {
      logger.warn('replay refused', { code, error: error as Error });
    } else {
      logger.error('replay failed', { code, error: error as Error });
    }
    throw error;
  }
}
