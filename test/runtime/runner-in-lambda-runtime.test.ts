/**
 * The deployed runner, run the way Lambda runs it: the java21 function's code asset from the synthesized cloud
 * assembly, its handler and environment from the template, under AWS's Runtime Interface Emulator with AWS's Java
 * runtime interface client, in a file system laid out as the managed runtime's (/var/task read-only, /opt for
 * layers). The AWS APIs are moto on loopback, the database an embedded PostgreSQL. Java 17 stands in for 21.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { startMoto, type Moto } from '../cli/support/moto';
import { startPostgresServer, type PostgresServer } from '../cli/support/postgres-server';
import { expectValidResult } from '../cli/support/results';
import { functionOfRuntime, synthesizeMigrator, type TemplateFunction } from './support/cloud-assembly';
import { type Emulator, startJavaEmulator } from './support/emulator';
import { createRuntimeWorld, type DatabaseCredentials, type RuntimeWorld } from './support/runtime-world';

jest.setTimeout(600_000);

let moto: Moto;
let postgres: PostgresServer;
let world: RuntimeWorld;
let runner: TemplateFunction;
let emulator: Emulator;
let credentials: DatabaseCredentials;
const WRONG_PASSWORD = `wrong-${randomUUID()}`;

function deployEvent(stackId: string, status = 'UPDATE_COMPLETE') {
  const fixture = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cloudformation-events', 'stack-update-complete.captured.json'), 'utf8'),
  );
  return {
    ...fixture,
    id: randomUUID(),
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    region: stackId.split(':')[3],
    resources: [stackId],
    detail: { ...fixture.detail, 'stack-id': stackId, 'status-details': { status, 'status-reason': '' } },
  };
}

/** The response must never hold a secret: neither the database password nor the user name. */
function expectNoSecret(text: string): void {
  for (const secret of [credentials.password, WRONG_PASSWORD, credentials.username]) expect(text).not.toContain(secret);
}

beforeAll(async () => {
  const stack = synthesizeMigrator();
  runner = functionOfRuntime(stack, 'java21');
  [moto, postgres] = await Promise.all([startMoto(), startPostgresServer()]);
  const databaseName = runner.environment.DATABASE_NAME as string;
  // A role of the test's own, with names no log line could hold by chance, so the checks below mean something.
  credentials = {
    host: postgres.host,
    port: postgres.port,
    username: `migrator_${randomUUID().replace(/-/g, '').slice(0, 12)}`,
    password: `pw-${randomUUID()}`,
    dbname: databaseName,
  };
  const admin = new Client({ host: postgres.host, port: postgres.port, user: postgres.username, password: postgres.password, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE ROLE "${credentials.username}" LOGIN PASSWORD '${credentials.password}'`);
  await admin.query(`CREATE DATABASE "${databaseName}" OWNER "${credentials.username}"`);
  await admin.end();
  world = await createRuntimeWorld(moto.endpoint, stack.region, {
    busName: 'db-migrator',
    migratorStackName: 'db-migrator',
    watchedStackName: 'db-migrator-database',
    credentials,
  });
  emulator = await startJavaEmulator(runner, stack.region, {
    tokens: {
      DB_SECRET_ARN: world.secretArn,
      EVENT_BUS_NAME: world.busName,
      WATCHED_STACKS: [world.migratorStackId, world.watchedStackId].join(','),
    },
    awsEndpoint: moto.endpoint,
    database: { sslMode: 'disable' },
  });
});

afterAll(async () => {
  await emulator?.stop();
  world?.destroy();
  await Promise.all([moto?.stop(), postgres?.stop()]);
});

describe('the runner in the Lambda runtime', () => {
  test('what runs is the deployed layout: the runner\'s jars in a layer\'s java/lib, the changelog alone as the code', () => {
    expect(runner.layerDirs).toHaveLength(1);
    const jars = fs.readdirSync(path.join(runner.layerDirs[0], 'java', 'lib'));
    expect(jars.some((jar) => jar.startsWith('liquibase-core-'))).toBe(true);
    expect(fs.readdirSync(runner.codeDir)).not.toContain('lib');
    expect(fs.readdirSync(runner.codeDir)).toContain('db.changelog-master.yaml');
    expect(runner.environment.CHANGELOG_DIR).toBe('/var/task');
  });

  test('an UPDATE_COMPLETE deploy event is migrated: SUCCEEDED, the result in SSM, the completion event delivered', async () => {
    const invocation = await emulator.invoke(deployEvent(world.watchedStackId));
    expect(invocation.statusCode).toBe(200);
    expectNoSecret(invocation.body);
    const result = expectValidResult(JSON.parse(invocation.body));
    expect(result).toMatchObject({ status: 'SUCCEEDED', reason: null, trigger: { type: 'CLOUDFORMATION', stackStatus: 'UPDATE_COMPLETE' } });
    expect(result.applied.count).toBeGreaterThan(0);
    expect(result.runner.coldStart).toBe(true);
    // A cold start: the emulator reports the init phase, and the REPORT line carries an Init Duration.
    expect(invocation.initReportMs).toBeGreaterThan(0);
    expect(invocation.initDurationMs).toBeDefined();
    expect(invocation.invokeMs).toBeGreaterThan(0);

    const stored = await world.parameter(runner.environment.RESULT_PARAMETER_NAME as string);
    expect(JSON.parse(stored as string)).toEqual(result);
    const event = await world.nextCompletionEvent();
    expect(event).toMatchObject({ source: 'db-migrator', 'detail-type': 'Database Migration Succeeded' });
    expect(event.detail).toEqual(result);
  });

  test('a second invocation in the same warm process applies nothing', async () => {
    const invocation = await emulator.invoke(deployEvent(world.watchedStackId));
    expect(invocation.initDurationMs).toBeUndefined();
    expect(invocation.initReportMs).toBeUndefined();
    const result = expectValidResult(JSON.parse(invocation.body));
    expect(result).toMatchObject({ status: 'SUCCEEDED', applied: { count: 0 }, pending: { count: 0 }, runner: { coldStart: false } });
    expect((await world.nextCompletionEvent()).detail.runId).toBe(result.runId);
  });

  test.each([
    ['not JSON', '{"detail-type": "CloudFormation Stack'],
    ['no stack id', JSON.stringify({ ...deployEventShape(), detail: { 'status-details': { status: 'UPDATE_COMPLETE' } } })],
  ])('a malformed event (%s) ends FAILED with INVALID_EVENT', async (_what, payload) => {
    const invocation = await emulator.invoke(payload);
    expect(invocation.statusCode).toBe(200);
    expectNoSecret(invocation.body);
    expect(expectValidResult(JSON.parse(invocation.body))).toMatchObject({ status: 'FAILED', reason: 'INVALID_EVENT' });
    expect((await world.nextCompletionEvent())['detail-type']).toBe('Database Migration Failed');
  });

  test('a wrong password ends FAILED with AUTH_FAILED, and neither password reaches the response or the logs', async () => {
    await world.setSecret({ ...credentials, password: WRONG_PASSWORD });
    try {
      const invocation = await emulator.invoke(deployEvent(world.watchedStackId));
      expectNoSecret(invocation.body);
      expect(expectValidResult(JSON.parse(invocation.body))).toMatchObject({ status: 'FAILED', reason: 'AUTH_FAILED' });
      const stored = await world.parameter(runner.environment.RESULT_PARAMETER_NAME as string);
      expectNoSecret(stored as string);
      expectNoSecret(JSON.stringify(await world.nextCompletionEvent()));
      expectNoSecret(emulator.output());
    } finally {
      await world.setSecret(credentials);
    }
  });
});

function deployEventShape() {
  return deployEvent('arn:aws:cloudformation:eu-west-1:123456789012:stack/placeholder/0');
}
