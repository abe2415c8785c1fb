import { DescribeSecretCommand, GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsErrorName } from '../aws-errors';
import { SECRET_KEYS, secretProblems } from '../db-secret';
import { type CheckResult, fail, guarded, pass } from './check';

const NAME = 'database secret';

/**
 * The runner's secret exists, the caller can read it, and it has the keys the runner needs. The value is
 * judged inside secretProblems and dropped at once: nothing of it is printed or kept.
 */
export async function checkSecret(secretsManager: SecretsManagerClient, secretArn: string): Promise<CheckResult> {
  return guarded(NAME, `secretsmanager:DescribeSecret and secretsmanager:GetSecretValue on ${secretArn}`, async () => {
    let description;
    try {
      description = await secretsManager.send(new DescribeSecretCommand({ SecretId: secretArn }));
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') {
        return fail(NAME, `secret ${secretArn} (the runner's DB_SECRET_ARN) does not exist`, 'redeploy the database and migrator stacks');
      }
      throw error;
    }
    if (description.DeletedDate) {
      return fail(
        NAME,
        `secret ${secretArn} is scheduled for deletion on ${description.DeletedDate.toISOString()}`,
        `restore it: \`aws secretsmanager restore-secret --secret-id ${secretArn}\``,
      );
    }
    const value = await secretsManager.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const problems = secretProblems(value.SecretString);
    if (problems.length > 0) {
      return fail(
        NAME,
        `secret ${description.Name ?? secretArn} is readable but ${problems.join(', ')}`,
        `the runner needs the keys ${SECRET_KEYS.join(', ')}: put them in the secret (rotation keeps extra keys)`,
      );
    }
    return pass(NAME, `${description.Name ?? secretArn} is readable and has ${SECRET_KEYS.join(', ')}`);
  });
}
