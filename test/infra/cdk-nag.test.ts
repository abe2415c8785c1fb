import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../infra/build-app';
import { ENV, testContext } from './synth';

/** Every acknowledgement recorded with Validations.of(...).acknowledge, as [path, id, reason]. */
function acknowledgements(root: IConstruct): Array<[string, string, string]> {
  const found: Array<[string, string, string]> = [];
  for (const c of root.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, value] of Object.entries<any>(entry.data ?? {})) {
        found.push([c.node.path, id.replace(/^annotation::/i, ''), typeof value === 'string' ? value : value?.reason ?? JSON.stringify(value)]);
      }
    }
  }
  return found;
}

describe('cdk-nag 3 AwsSolutions over the whole app', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-migrator-nag-'));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  const app = new cdk.App({
    outdir,
    context: testContext({ watchedStacks: 'legacy-app', alertEmails: 'ops@example.com' }),
  });
  buildApp(app, { env: ENV });
  const pack = new AwsSolutionsChecks(app);
  cdk.Validations.of(app).addPlugins(pack);

  test('reports no unacknowledged error or warning', () => {
    const report = pack.validateScope(app);
    const lines = report.violations.map(
      (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(lines).toEqual([]);
  });

  test('synthesis with the plugin registered succeeds (the validation step passes)', () => {
    expect(() => app.synth()).not.toThrow();
  });

  test('every acknowledgement names a rule and gives a specific reason', () => {
    const acks = acknowledgements(app).filter(([, id]) => id.startsWith('AwsSolutions-'));
    expect(acks.length).toBeGreaterThan(0);
    for (const [where, id, reason] of acks) {
      expect({ where, id, reasonLength: reason.length >= 60 }).toEqual({ where, id, reasonLength: true });
    }
    // The list the README and the report quote; a new acknowledgement must be added here deliberately.
    expect([...new Set(acks.map(([, id]) => id.replace(/\[.*$/, '')))].sort()).toEqual([
      'AwsSolutions-IAM4',
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-RDS10',
      'AwsSolutions-RDS6',
      'AwsSolutions-SMG4',
      'AwsSolutions-SQS3',
      'AwsSolutions-VPC7',
    ]);
  });
});

test('the registered plugin really fails synthesis on an unacknowledged finding (so the green run above means something)', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-migrator-nag-bad-'));
  try {
    const app = new cdk.App({ outdir });
    const stack = new cdk.Stack(app, 'Bad');
    new cdk.aws_sqs.Queue(stack, 'Queue');
    cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).toThrow();
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});

test('an environment-agnostic app (no account or region) is clean too: the wildcard acknowledgements follow the tokens', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-migrator-nag-agnostic-'));
  try {
    const app = new cdk.App({ outdir, context: testContext({ watchedStacks: 'legacy-app' }) });
    buildApp(app);
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
