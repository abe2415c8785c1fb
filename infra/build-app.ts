import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { readAppSettings } from './app-context';
import { DatabaseStack } from './database-stack';
import { MigratorStack } from './migrator-stack';
import { NetworkStack } from './network-stack';

/** The demo's changelog (schema `demo`, table `demo.users`), at the root of this repository. */
export const DEMO_CHANGELOG_DIR = path.resolve(__dirname, '..', 'changelog');

export interface BuildAppOptions {
  /** @default - environment-agnostic stacks */
  readonly env?: cdk.Environment;
}

export interface DbMigratorApp {
  readonly network: NetworkStack;
  readonly database: DatabaseStack;
  readonly migrator: MigratorStack;
}

/** Adds the demo's three stacks to `app`, configured by its context (see app-context.ts). */
export function buildApp(app: cdk.App, options: BuildAppOptions = {}): DbMigratorApp {
  const settings = readAppSettings(app);
  const env = options.env;

  const network = new NetworkStack(app, 'DbMigratorNetwork', {
    stackName: 'db-migrator-network',
    description: 'db-migrator: isolated VPC, interface endpoints and security groups',
    env,
  });

  const database = new DatabaseStack(app, 'DbMigratorDatabase', {
    stackName: 'db-migrator-database',
    description: 'db-migrator: Aurora PostgreSQL Serverless v2',
    env,
    vpc: network.vpc,
    securityGroup: network.databaseSecurityGroup,
    databaseName: settings.databaseName,
    maxCapacity: settings.maxCapacity,
    deletionProtection: settings.deletionProtection,
  });

  const migrator = new MigratorStack(app, 'DbMigrator', {
    stackName: 'db-migrator',
    description: 'db-migrator: runs the Liquibase changelog after each deploy of a watched stack',
    env,
    vpc: network.vpc,
    securityGroup: network.migratorSecurityGroup,
    database,
    databaseName: settings.databaseName,
    changelogDir: DEMO_CHANGELOG_DIR,
    extraWatchedStacks: settings.watchedStacks,
    alertEmails: settings.alertEmails,
  });

  cdk.Tags.of(app).add('project', 'db-migrator');
  return { network, database, migrator };
}
