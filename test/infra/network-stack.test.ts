import type { Template } from 'aws-cdk-lib/assertions';
import { REGION, synthApp, type SynthesizedApp } from './synth';

let app: SynthesizedApp;
let network: Template;
let migratorGroupId: unknown;

beforeAll(() => {
  app = synthApp();
  network = app.network;
  migratorGroupId = groupId('migratorSecurityGroup');
});

function groupId(group: 'databaseSecurityGroup' | 'endpointSecurityGroup' | 'migratorSecurityGroup'): unknown {
  const stack = app.stacks.network;
  return { 'Fn::GetAtt': [stack.getLogicalId(stack[group].node.defaultChild as any), 'GroupId'] };
}

/** Every ingress rule of a group: inline in the group and standalone. */
function ingressRules(group: 'databaseSecurityGroup' | 'endpointSecurityGroup'): any[] {
  const stack = app.stacks.network;
  const groupLogicalId = stack.getLogicalId(stack[group].node.defaultChild as any);
  const inline = network.toJSON().Resources[groupLogicalId].Properties.SecurityGroupIngress ?? [];
  const standalone = Object.values<any>(network.findResources('AWS::EC2::SecurityGroupIngress'))
    .map((r) => r.Properties)
    .filter((p) => JSON.stringify(p.GroupId) === JSON.stringify(groupId(group)));
  return [...inline, ...standalone];
}

describe('network stack', () => {
  test('has no way to the internet: no NAT gateway, no internet gateway, no public subnet, no route', () => {
    network.resourceCountIs('AWS::EC2::NatGateway', 0);
    network.resourceCountIs('AWS::EC2::InternetGateway', 0);
    network.resourceCountIs('AWS::EC2::VPCGatewayAttachment', 0);
    network.resourceCountIs('AWS::EC2::Route', 0);
    network.resourceCountIs('AWS::EC2::Subnet', 2);
    network.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    const subnetTypes = Object.values<any>(network.findResources('AWS::EC2::Subnet')).map(
      (s) => s.Properties.Tags.find((t: any) => t.Key === 'aws-cdk:subnet-type').Value,
    );
    expect(subnetTypes).toEqual(['Isolated', 'Isolated']);
  });

  test('has the four interface endpoints, with private DNS, behind the endpoint group', () => {
    const endpoints = Object.values<any>(network.findResources('AWS::EC2::VPCEndpoint')).map((e) => e.Properties);
    expect(endpoints.map((e) => e.ServiceName).sort()).toEqual(
      ['cloudformation', 'events', 'secretsmanager', 'ssm'].map((s) => `com.amazonaws.${REGION}.${s}`),
    );
    for (const endpoint of endpoints) {
      expect(endpoint).toMatchObject({ VpcEndpointType: 'Interface', PrivateDnsEnabled: true });
      expect(endpoint.SecurityGroupIds).toEqual([groupId('endpointSecurityGroup')]);
    }
  });

  test('the endpoints admit HTTPS from the migrator group only', () => {
    expect(ingressRules('endpointSecurityGroup')).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, SourceSecurityGroupId: migratorGroupId }),
    ]);
  });

  test('the database admits PostgreSQL from the migrator group only', () => {
    expect(ingressRules('databaseSecurityGroup')).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: migratorGroupId }),
    ]);
  });

  test('the migrator group may send only PostgreSQL and HTTPS, inside the VPC', () => {
    const stack = app.stacks.network;
    const group = network.toJSON().Resources[stack.getLogicalId(stack.migratorSecurityGroup.node.defaultChild as any)];
    const vpcCidr = { 'Fn::GetAtt': [stack.getLogicalId(stack.vpc.node.defaultChild as any), 'CidrBlock'] };
    expect(group.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: vpcCidr }),
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: vpcCidr }),
    ]);
    // Standalone egress rules would leave EC2's allow-all default in place.
    network.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });

  test('the database and endpoint groups send nothing', () => {
    const stack = app.stacks.network;
    for (const group of [stack.databaseSecurityGroup, stack.endpointSecurityGroup]) {
      const resource = network.toJSON().Resources[stack.getLogicalId(group.node.defaultChild as any)];
      expect(resource.Properties.SecurityGroupEgress).toEqual([
        expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' }),
      ]);
    }
  });
});
