import * as cdk from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag 3 finding on `scope` (and everything below it) through CDK's own
 * `Validations.of(scope).acknowledge`. No dependency on cdk-nag: the rule ids are plain strings.
 */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  cdk.Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The text cdk-nag 3 uses for a resource in a finding id such as `AwsSolutions-IAM5[Resource::<text>]`: the value
 * as the template holds it, with `Ref`s written `<Name>` and `Fn::GetAtt`s `<Name.Attr>` (cdk-nag's
 * flattenCfnReference). Lets the construct acknowledge exactly the wildcard it creates, whatever the environment.
 */
export function nagResourceText(scope: IConstruct, value: string): string {
  return flatten(cdk.Stack.of(scope).resolve(value));
}

function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  const obj = node as Record<string, any>;
  if (obj['Fn::Join']) {
    const [delimiter, items] = obj['Fn::Join'];
    return (items as unknown[]).map(flatten).join(delimiter);
  }
  if (obj['Fn::Sub']) return flatten(obj['Fn::Sub']);
  if (obj['Fn::GetAtt']) {
    const [resource, attribute] = obj['Fn::GetAtt'];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (obj['Fn::ImportValue']) return flatten(obj['Fn::ImportValue']);
  if (obj.Ref) return `<${flatten(obj.Ref)}>`;
  return JSON.stringify(node);
}
