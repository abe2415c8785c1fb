import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { accessDenied, awsError, migratorStack, MIGRATOR_STACK, OUTPUTS, PARAMETER, stackMissing } from '../support/aws-fakes';
import { expectValidResult, failedResult, sampleResult } from '../support/results';
import { cli, jsonLines } from '../support/run-cli';

const cfn = mockClient(CloudFormationClient);
const ssm = mockClient(SSMClient);

beforeEach(() => {
  cfn.reset();
  ssm.reset();
  cfn.on(DescribeStacksCommand, { StackName: MIGRATOR_STACK }).resolves(migratorStack());
});

function storedAs(value: string, version = 7): void {
  ssm.on(GetParameterCommand, { Name: PARAMETER }).resolves({
    Parameter: { Name: PARAMETER, Value: value, Version: version, LastModifiedDate: new Date('2025-06-02T10:15:03Z') },
  });
}

describe('status', () => {
  test('prints a readable summary of the last result, found through the stack outputs', async () => {
    storedAs(JSON.stringify(sampleResult({ trigger: { type: 'REPLAY', reason: 'hotfix 42' } })));

    const run = await cli(['status']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('status:    SUCCEEDED: applied 2 changesets');
    expect(run.stdout).toMatch(/trigger: {3}REPLAY AppStack UPDATE_COMPLETE at 2025-06-02T10:14:58Z/);
    expect(run.stdout).toContain('reason given: hotfix 42');
    expect(run.stdout).toContain('applied:   2');
    expect(run.stdout).toContain('pending:   0');
    expect(run.stdout).toContain('duration:  3.4 s, finished 2025-06-02T10:15:03.412Z');
    expect(run.stdout).toContain(`SSM ${PARAMETER} (version 7, written 2025-06-02T10:15:03.000Z)`);
    expect(run.stderr).toBe('');
    expect(ssm.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({ Name: PARAMETER });
  });

  test('--json prints only the raw result on stdout', async () => {
    const result = sampleResult();
    storedAs(JSON.stringify(result));

    const run = await cli(['status', '--json']);

    expect(run.code).toBe(0);
    const [line, ...rest] = jsonLines(run);
    expect(rest).toEqual([]);
    expect(expectValidResult(line)).toEqual(result);
  });

  test('exits 1 when the last run FAILED, and shows why', async () => {
    storedAs(JSON.stringify(failedResult()));

    const run = await cli(['status']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain('status:    FAILED (CHANGESET_FAILED)');
    expect(run.stdout).toContain('failed:    changes/002-users.yaml::002-users::db-migrator');
  });

  test('exits 0 for SKIPPED, and says why it skipped', async () => {
    storedAs(JSON.stringify(sampleResult({ status: 'SKIPPED', reason: 'STACK_IN_PROGRESS', message: 'AppStack is UPDATE_IN_PROGRESS' })));

    const run = await cli(['status']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('status:    SKIPPED (STACK_IN_PROGRESS): AppStack is UPDATE_IN_PROGRESS');
  });

  test('a missing stack names the region and what to check', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'nope' }).rejects(stackMissing('nope'));

    const run = await cli(['status', '--stack', 'nope']);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error: stack nope does not exist in us-east-1\. Check the name \(--stack/);
    expect(run.stderr).toContain('--region or AWS_REGION');
  });

  test('a stack without the outputs is probably not the migrator stack', async () => {
    cfn.on(DescribeStacksCommand, { StackName: 'AppStack' }).resolves(migratorStack({ BucketName: 'b' }));

    const run = await cli(['status', '--stack', 'AppStack']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('has no output ResultParameterName (its outputs are BucketName). Is it the migrator stack?');
  });

  test('no permission on the parameter names the action and the parameter', async () => {
    ssm.on(GetParameterCommand).rejects(accessDenied('ssm:GetParameter'));

    const run = await cli(['status']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`access denied: these credentials may not call ssm:GetParameter on parameter ${PARAMETER} in us-east-1`);
  });

  test('no permission on DescribeStacks is explained too', async () => {
    cfn.on(DescribeStacksCommand).rejects(awsError('AccessDenied', 'not authorized to perform: cloudformation:DescribeStacks'));

    const run = await cli(['status']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('may not call cloudformation:DescribeStacks on stack db-migrator');
  });

  test('no run yet: says the runner creates the parameter, and how to start one', async () => {
    ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound', ''));

    const run = await cli(['status']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no run recorded yet: parameter ${PARAMETER} does not exist`);
    expect(run.stderr).toContain('db-migrator replay --stack');
  });

  test('a malformed parameter value is reported with the schema problems, not misread', async () => {
    storedAs(JSON.stringify({ ...sampleResult(), status: 'DONE', durationMs: -1 }), 9);

    const run = await cli(['status', '--json']);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`version 9 of parameter ${PARAMETER} is not a valid MigrationResult`);
    expect(run.stderr).toContain('/status must be one of "SUCCEEDED", "FAILED", "SKIPPED", "PLANNED"');
    expect(run.stderr).toContain('/durationMs must be >= 0');
  });

  test('a value that is not JSON at all is reported the same way', async () => {
    storedAs('SUCCEEDED');

    const run = await cli(['status']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is not a valid MigrationResult (contracts/migration-result.schema.json): not JSON');
  });

  test('missing credentials say how to provide them', async () => {
    const error = new Error('Could not load credentials from any providers');
    error.name = 'CredentialsProviderError';
    cfn.on(DescribeStacksCommand).rejects(error);

    const run = await cli(['status']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no AWS credentials found: set AWS_PROFILE (or pass --profile)');
  });

  test('an unreachable endpoint suggests checking the region', async () => {
    const error = Object.assign(new Error('getaddrinfo ENOTFOUND cloudformation.us-east-9.amazonaws.com'), { code: 'ENOTFOUND' });
    cfn.on(DescribeStacksCommand).rejects(error);

    const run = await cli(['--region', 'us-east-9', 'status']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot reach AWS for cloudformation:DescribeStacks on stack db-migrator (ENOTFOUND): is the region right (us-east-9)?');
  });

  test('rejected credentials suggest the account or region', async () => {
    cfn.on(DescribeStacksCommand).rejects(awsError('InvalidClientTokenId', 'The security token included in the request is invalid.'));

    const run = await cli(['status']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('AWS rejected the credentials in us-east-1 (InvalidClientTokenId)');
  });

  test('usage errors exit 2', async () => {
    expect((await cli(['status', '--stak', 'x'])).code).toBe(2);
    expect((await cli(['stats'])).code).toBe(2);
    expect((await cli([])).code).toBe(2);
  });

  test('--help exits 0 and documents the exit codes', async () => {
    const run = await cli(['status', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('the MIGRATOR stack');
    expect(run.stdout).toContain('Exit codes:');
    expect(Object.keys(OUTPUTS)).toContain('ResultParameterName');
  });
});
