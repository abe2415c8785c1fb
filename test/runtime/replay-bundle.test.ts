/**
 * The replay handler's bundle, as the synthesized cloud assembly ships it, loaded in a fresh Node.js process with
 * the template's environment and invoked with a Lambda-shaped event and context; the AWS APIs are moto.
 */
import { startMoto, type Moto } from '../cli/support/moto';
import { resolveEnvironment, synthesizeMigrator } from './support/cloud-assembly';
import { invokeNodeHandler } from './support/node-invoke';
import { locateReplayBundle, type ReplayBundle } from './support/replay-bundle';
import { createRuntimeWorld, type RuntimeWorld } from './support/runtime-world';

jest.setTimeout(300_000);

let moto: Moto;
let world: RuntimeWorld;
let bundle: ReplayBundle;
let environment: Record<string, string>;

beforeAll(async () => {
  const stack = synthesizeMigrator();
  bundle = locateReplayBundle(stack);
  moto = await startMoto();
  world = await createRuntimeWorld(moto.endpoint, stack.region, {
    busName: 'db-migrator',
    migratorStackName: 'db-migrator',
    watchedStackName: 'db-migrator-database',
    credentials: { host: '127.0.0.1', port: 5432, username: 'unused', password: 'unused', dbname: 'demo' },
  });
  environment = {
    ...resolveEnvironment(bundle.fn, {
      EVENT_BUS_NAME: world.busName,
      WATCHED_STACKS: [world.migratorStackId, world.watchedStackId].join(','),
    }),
    AWS_REGION: stack.region,
    AWS_DEFAULT_REGION: stack.region,
    AWS_ENDPOINT_URL: moto.endpoint,
  };
});

afterAll(async () => {
  world?.destroy();
  await moto?.stop();
});

describe('the replay handler bundle', () => {
  test('resolves a watched stack and puts the replay request on the bus', async () => {
    const invocation = await invokeNodeHandler(bundle, environment, { stackName: world.watchedStackName, dryRun: true, reason: 'bundle test' });
    expect(invocation).toEqual({
      ok: true,
      result: {
        eventId: expect.any(String),
        stackName: world.watchedStackName,
        stackId: world.watchedStackId,
        stackStatus: 'UPDATE_COMPLETE',
        dryRun: true,
      },
    });
    const request = await world.nextEvent(world.replayQueueUrl);
    expect(request).toMatchObject({
      source: 'db-migrator.replay',
      'detail-type': 'Migration Replay Requested',
      detail: { stackName: world.watchedStackName, dryRun: true, reason: 'bundle test' },
    });
  });

  test('refuses a stack that is not watched, and puts nothing on the bus', async () => {
    const invocation = await invokeNodeHandler(bundle, environment, { stackName: 'SomeOtherStack', dryRun: false });
    expect(invocation).toMatchObject({ ok: false, error: { code: 'STACK_NOT_WATCHED' } });
    await expect(world.nextEvent(world.replayQueueUrl)).rejects.toThrow(/no event reached/);
  });
});
