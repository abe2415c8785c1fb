import {
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  type EC2Client,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { type CheckResult, fail, guarded, pass } from './check';

const NAME = 'network';
/** The AWS APIs the runner calls from inside the VPC. */
export const REQUIRED_SERVICES = ['secretsmanager', 'ssm', 'events', 'cloudformation'] as const;

/**
 * Interface endpoints whose private DNS is on: only those answer the SDK's default hostnames, so an endpoint
 * without private DNS does not help the runner.
 */
async function servicesWithEndpoints(ec2: EC2Client, vpcId: string, region: string): Promise<Set<string>> {
  const response = await ec2.send(
    new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'vpc-endpoint-type', Values: ['Interface'] }] }),
  );
  const prefix = `com.amazonaws.${region}.`;
  const services = new Set<string>();
  for (const endpoint of response.VpcEndpoints ?? []) {
    const state = endpoint.State?.toLowerCase();
    if (endpoint.ServiceName?.startsWith(prefix) && endpoint.PrivateDnsEnabled && state === 'available') {
      services.add(endpoint.ServiceName.slice(prefix.length));
    }
  }
  return services;
}

function defaultRouteTarget(table: RouteTable | undefined): string | undefined {
  const route = table?.Routes?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0' && r.State !== 'blackhole');
  return route?.NatGatewayId ?? route?.TransitGatewayId ?? route?.NetworkInterfaceId ?? route?.InstanceId ?? route?.GatewayId;
}

/** Each subnet's route table: its own association, else the VPC's main table. */
async function routeTablesBySubnet(ec2: EC2Client, vpcId: string, subnetIds: readonly string[]): Promise<Map<string, RouteTable | undefined>> {
  const response = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  const tables = response.RouteTables ?? [];
  const main = tables.find((t) => t.Associations?.some((a) => a.Main));
  return new Map(
    subnetIds.map((subnetId) => [subnetId, tables.find((t) => t.Associations?.some((a) => a.SubnetId === subnetId)) ?? main]),
  );
}

async function availableNatGateways(ec2: EC2Client, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const response = await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: ids }));
  return new Set((response.NatGateways ?? []).filter((n) => n.State === 'available').map((n) => n.NatGatewayId ?? ''));
}

/**
 * The runner's subnets reach the four APIs it calls: through interface endpoints for all of them, or through a
 * default route to a NAT gateway (a Lambda's network interface has no public address, so an internet gateway
 * route alone does not do).
 */
export async function checkNetwork(ec2: EC2Client, subnetIds: readonly string[], region: string): Promise<CheckResult> {
  return guarded(NAME, 'ec2:DescribeSubnets, ec2:DescribeVpcEndpoints, ec2:DescribeRouteTables and ec2:DescribeNatGateways', async () => {
    if (subnetIds.length === 0) return pass(NAME, 'the runner is not in a VPC: it reaches the AWS APIs directly');
    const subnets = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [...subnetIds] }));
    const vpcId = subnets.Subnets?.[0]?.VpcId;
    if (!vpcId) return fail(NAME, `the runner's subnets ${subnetIds.join(', ')} do not exist`, 'redeploy the migrator stack');

    const endpoints = await servicesWithEndpoints(ec2, vpcId, region);
    const missing = REQUIRED_SERVICES.filter((service) => !endpoints.has(service));
    if (missing.length === 0) {
      return pass(NAME, `${vpcId} has interface endpoints with private DNS for ${REQUIRED_SERVICES.join(', ')}`);
    }

    const tables = await routeTablesBySubnet(ec2, vpcId, subnetIds);
    const targets = [...tables.values()].map(defaultRouteTarget);
    const nats = await availableNatGateways(ec2, [...new Set(targets.filter((t): t is string => !!t?.startsWith('nat-')))]);
    const withoutEgress = subnetIds.filter((subnetId) => {
      const target = defaultRouteTarget(tables.get(subnetId));
      if (!target || target.startsWith('igw-') || target === 'local') return true;
      return target.startsWith('nat-') && !nats.has(target);
    });
    if (withoutEgress.length === 0) {
      return pass(NAME, `the runner's subnets route 0.0.0.0/0 through ${[...new Set(targets)].join(', ')}`);
    }
    return fail(
      NAME,
      `subnet(s) ${withoutEgress.join(', ')} have no NAT route, and ${vpcId} lacks interface endpoints for ${missing.join(', ')}`,
      `add interface endpoints with private DNS for ${missing.map((s) => `com.amazonaws.${region}.${s}`).join(', ')} ` +
        'to the VPC (reachable from the runner\'s security group on 443), or route the subnets through a NAT gateway',
    );
  });
}
