import { Match } from 'aws-cdk-lib/assertions';
import { single, synthApp } from './synth';

const app = synthApp({ watchedStacks: 'legacy-app' });
const template = app.migrator;
const m = app.stacks.migrator.migrator;
const id = (c: any) => app.stacks.migrator.getLogicalId(c.node.defaultChild as any);

describe('alarms', () => {
  test('an alarm on the runner\'s Errors alerts the topic', () => {
    const { resource } = single(template, 'AWS::CloudWatch::Alarm', { MetricName: 'Errors' });
    expect(resource.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: id(m.function) } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: id(m.alertTopic) }],
    });
  });

  test('an alarm on the failure rule firing (TriggeredRules on the custom bus) alerts the topic', () => {
    const { resource } = single(template, 'AWS::CloudWatch::Alarm', { MetricName: 'TriggeredRules' });
    expect(resource.Properties).toMatchObject({
      Namespace: 'AWS/Events',
      Statistic: 'Sum',
      Threshold: 1,
      AlarmActions: [{ Ref: id(m.alertTopic) }],
    });
    const dims = Object.fromEntries(resource.Properties.Dimensions.map((d: any) => [d.Name, d.Value]));
    expect(dims.EventBusName).toEqual({ Ref: id(m.eventBus) });
    // A custom-bus rule's Ref is "bus|rule": the dimension takes the rule part.
    expect(dims.RuleName).toEqual({ 'Fn::Select': [1, { 'Fn::Split': ['|', { Ref: id(m.failureRule) }] }] });
  });

  test('three alarms in all, each with the topic as its action', () => {
    const alarms = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(3);
    for (const a of alarms) expect(a.Properties.AlarmActions).toEqual([{ Ref: id(m.alertTopic) }]);
  });
});

describe('the archive', () => {
  test('archives the default bus with the main rule\'s pattern for 30 days', () => {
    const { resource } = single(template, 'AWS::Events::Archive');
    const mainRule = template.toJSON().Resources[id(m.mainRule)].Properties;
    expect(resource.Properties.RetentionDays).toBe(30);
    expect(resource.Properties.EventPattern).toEqual(mainRule.EventPattern);
    expect(JSON.stringify(resource.Properties.SourceArn)).toContain(':event-bus/default');
  });

  test('the stack outputs ArchiveName and MainRuleArn for replay --from-archive', () => {
    const outputs = template.toJSON().Outputs;
    expect(outputs.ArchiveName.Value).toEqual({ Ref: id(m.archive) });
    expect(outputs.MainRuleArn.Value).toEqual({ 'Fn::GetAtt': [id(m.mainRule), 'Arn'] });
  });
});

describe('log retention', () => {
  test('both log groups keep a month and are retained with the stack', () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(groups)).toHaveLength(2);
    for (const g of Object.values<any>(groups)) {
      expect(g.Properties.RetentionInDays).toBe(30);
      expect(g.DeletionPolicy).toBe('Retain');
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('ReplayLogs') } },
    });
  });
});
