import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { buildApp } from '../../infra/build-app';
import { SaasStack } from '../../infra/examples/fleet-app';
import { ENV, testContext } from './synth';

const ROOT = path.resolve(__dirname, '..', '..');
const CFN_LINT = path.join(ROOT, '.venv', 'bin', 'cfn-lint');

/**
 * Warnings allowed, each with why. Everything else cfn-lint reports (every error, any other warning) fails.
 * Keyed by rule id; the predicate narrows it to the known occurrences.
 */
const ALLOWED_WARNINGS: Record<string, { reason: string; applies: (message: string) => boolean }> = {
  W3005: {
    reason:
      'CDK adds an explicit DependsOn from a Lambda function to its role (and the role policy) so that the policy ' +
      'exists before the first invocation; the GetAtt already orders the role itself, and the redundancy is harmless',
    applies: (m) => /dependency already enforced by a 'GetAtt'/.test(m),
  },
  W3010: {
    reason:
      'The test pins availability zones in the context (no lookup without credentials); a real synth resolves them ' +
      'from the account, and subnets are per AZ by design',
    applies: (m) => /Avoid hardcoding availability zones/.test(m),
  },
};

interface Finding {
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Filename: string;
  readonly Level: string;
}

describe('cfn-lint on every synthesized template', () => {
  let outdir: string;
  let templates: string[];

  beforeAll(() => {
    execFileSync('bash', [path.join(ROOT, 'scripts', 'ensure-venv.sh')], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-migrator-cfnlint-'));
    const app = new cdk.App({ outdir, context: testContext({ watchedStacks: 'legacy-app', alertEmails: 'ops@example.com' }) });
    buildApp(app, { env: ENV });
    // The fleet example: its state machine, buckets and rules go through the same linter.
    new SaasStack(app, 'Saas', { env: ENV });
    const assembly = app.synth();
    templates = assembly.stacks.map((s) => path.join(outdir, s.templateFile));
  }, 600_000);

  afterAll(() => {
    if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('there are four templates: the demo app\'s three and the fleet example', () => {
    expect(templates.map((t) => path.basename(t)).sort()).toEqual([
      'DbMigrator.template.json',
      'DbMigratorDatabase.template.json',
      'DbMigratorNetwork.template.json',
      'Saas.template.json',
    ]);
  });

  test('no errors, and only the listed warnings', () => {
    const run = spawnSync(CFN_LINT, ['--format', 'json', '--', ...templates], { encoding: 'utf8' });
    if (run.error) throw run.error;
    // Exit codes are a bit mask: 2 errors, 4 warnings, 8 informational; 1 means cfn-lint itself failed.
    expect(run.status! & 1).toBe(0);
    const findings: Finding[] = JSON.parse(run.stdout || '[]');
    const unexpected = findings
      .filter((f) => {
        const allowed = ALLOWED_WARNINGS[f.Rule.Id];
        return !(f.Level === 'Warning' && allowed && allowed.applies(f.Message));
      })
      .map((f) => `${f.Level} ${f.Rule.Id} ${path.basename(f.Filename)}: ${f.Message}`);
    expect(unexpected).toEqual([]);
  }, 300_000);
});
