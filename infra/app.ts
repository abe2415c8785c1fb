#!/usr/bin/env node
import * as cdk from 'aws-cdk-lib';
import { buildApp } from './build-app';

const app = new cdk.App();
buildApp(app, {
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    // Explicit: the CDK CLI does not pass CDK_DEFAULT_REGION through from the environment and falls back
    // to us-east-1, so AWS_REGION wins when set.
    region: process.env.AWS_REGION ?? process.env.CDK_DEFAULT_REGION,
  },
});
