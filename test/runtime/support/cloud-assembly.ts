import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { buildApp } from '../../../infra/build-app';
import { testContext } from '../../infra/synth';
import { repoRoot } from './lambda-runtime';
import { withSetupLock } from './setup-lock';

/**
 * A stable output folder: CDK skips bundling an asset whose folder already holds it (the asset hash covers the
 * runner's sources and the changelog), so Maven and esbuild run again only when an input changed.
 */
const OUTDIR = path.join(repoRoot, '.local', 'runtime-tests', 'cdk.out');

export interface SynthesizedStack {
  readonly outdir: string;
  readonly template: any;
  /** The region the stack is synthesized for: the runtime's AWS_REGION. */
  readonly region: string;
}

/**
 * Synthesizes the project's app as `cdk synth` does, with the migrator stack's assets bundled for real (the
 * other stacks' bundling stays off), and returns the migrator's template and the cloud assembly folder.
 */
export function synthesizeMigrator(): SynthesizedStack {
  return withSetupLock(path.join(repoRoot, '.local', 'runtime-tests.lock'), () => {
    const app = new cdk.App({
      outdir: OUTDIR,
      // As `cdk synth` runs the app: the CLI turns on asset metadata (aws:asset:path beside each resource).
      context: testContext({ 'aws:cdk:bundling-stacks': ['DbMigrator'], 'aws:cdk:enable-asset-metadata': true }),
    });
    const { migrator } = buildApp(app, { env: { account: '123456789012', region: 'eu-west-1' } });
    const assembly = app.synth();
    const artifact = assembly.getStackArtifact(migrator.artifactId);
    return { outdir: assembly.directory, template: artifact.template, region: migrator.region };
  });
}

/** A Lambda function as the template describes it, with its code and layers as folders of the cloud assembly. */
export interface TemplateFunction {
  readonly logicalId: string;
  readonly runtime: string;
  readonly handler: string;
  /** Literal strings, or the unresolved CloudFormation expressions (Ref, Fn::ImportValue, Fn::Join…) as JSON. */
  readonly environment: Record<string, unknown>;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  readonly logFormat?: string;
  readonly codeDir: string;
  /** In the order of the template's Layers: the runtime extracts them into /opt in that order. */
  readonly layerDirs: string[];
}

/** The one function of `runtime` in the template (e.g. java21), read only from the template and its assets. */
export function functionOfRuntime(stack: SynthesizedStack, runtime: string): TemplateFunction {
  const resources: Record<string, any> = stack.template.Resources ?? {};
  const found = Object.entries(resources).filter(
    ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties?.Runtime === runtime,
  );
  if (found.length !== 1) throw new Error(`expected one ${runtime} function in the template, found ${found.length}`);
  const [logicalId, resource] = found[0];
  const props = resource.Properties;
  const layerDirs = (props.Layers ?? []).map((layer: unknown) => {
    const ref = (layer as { Ref?: string }).Ref;
    const layerResource = ref ? resources[ref] : undefined;
    if (!layerResource || layerResource.Type !== 'AWS::Lambda::LayerVersion') {
      throw new Error(`${logicalId} uses a layer that is not an asset of this stack: ${JSON.stringify(layer)}`);
    }
    return assetDir(stack, ref as string, layerResource);
  });
  return {
    logicalId,
    runtime,
    handler: props.Handler,
    environment: props.Environment?.Variables ?? {},
    memorySize: props.MemorySize ?? 128,
    timeoutSeconds: props.Timeout ?? 3,
    logFormat: props.LoggingConfig?.LogFormat,
    codeDir: assetDir(stack, logicalId, resource),
    layerDirs,
  };
}

/** The folder of a resource's asset, from the `aws:asset:path` metadata CDK writes beside it. */
function assetDir(stack: SynthesizedStack, logicalId: string, resource: any): string {
  const assetPath = resource.Metadata?.['aws:asset:path'];
  if (typeof assetPath !== 'string') throw new Error(`${logicalId} has no aws:asset:path metadata`);
  const dir = path.resolve(stack.outdir, assetPath);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new Error(`the asset of ${logicalId} is not a folder in the cloud assembly: ${dir} (was it bundled?)`);
  }
  return dir;
}

/**
 * The function's environment with a value for each unresolved CloudFormation expression, and only for those:
 * `tokens` may not replace a literal the template already fixes. `others` are the further variables a test may
 * set (the database's endpoint), which also satisfy an unresolved expression of the same name.
 */
export function resolveEnvironment(
  fn: TemplateFunction,
  tokens: Record<string, string>,
  others: Record<string, string | undefined> = {},
): Record<string, string> {
  const unresolved = Object.keys(fn.environment).filter((key) => typeof fn.environment[key] !== 'string');
  const missing = unresolved.filter((key) => !(key in tokens) && others[key] === undefined);
  if (missing.length > 0) throw new Error(`no value for the unresolved environment variable(s) ${missing.join(', ')}`);
  const notTokens = Object.keys(tokens).filter((key) => !unresolved.includes(key));
  if (notTokens.length > 0) throw new Error(`only unresolved expressions may be replaced; ${notTokens.join(', ')} is not one`);
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(fn.environment)) {
    environment[key] = typeof value === 'string' ? value : tokens[key];
  }
  for (const [key, value] of Object.entries(others)) {
    if (value !== undefined) environment[key] = value;
  }
  return environment;
}
