import { parsePortRange } from '../../rules/condition';
import { SecurityGroup, SecurityGroupPermission } from '../apis';
import { allPages } from '../calls';
import { PostureCheck, eachPart, postureEvent } from '../check';
import { accountRegions } from './regions';

/** The ports of remote administration: SSH and RDP. */
const ADMIN_PORTS = [22, 3389];

/**
 * Security groups whose ingress rules accept SSH or RDP today, from anywhere or from
 * an address (CIS 4.3, 4.4): an event per group with those rules, in the field names
 * of ECS's API, for the rules that judge the sources (the whole internet; outside the
 * bastion list). Every region ECS offers is read, every group paged.
 */
export const securityGroupIngress: PostureCheck = {
  id: 'security-group-ingress',
  async run(ctx) {
    const regions = await accountRegions(ctx);
    return eachPart(ctx, this.id, regions, (r) => `region ${r}`, async (region) => {
      const groups = await allPages<SecurityGroup, string>(undefined, async (token) => {
        const page = await ctx.caller.call('Ecs.DescribeSecurityGroups', 'ecs:DescribeSecurityGroups', () => ctx.apis.ecs.securityGroups(region, token));
        return { items: page.groups, next: page.nextToken };
      });
      return eachPart(ctx, this.id, groups, (g) => `${region} ${g.securityGroupId}`, async (g) => {
        const rules = await ctx.caller.call('Ecs.DescribeSecurityGroupAttribute', 'ecs:DescribeSecurityGroupAttribute', () => ctx.apis.ecs.ingressRules(region, g.securityGroupId));
        const admin = rules.filter(admitsAdminPort);
        if (admin.length === 0) return [];
        return [postureEvent(this.id, ctx, { type: 'security-group', id: g.securityGroupId, name: g.securityGroupName, region }, { permissions: admin, ...(g.vpcId ? { vpc_id: g.vpcId } : {}) })];
      });
    });
  },
};

/** An accepting ingress rule for TCP (or every protocol) whose ports include SSH or RDP. */
function admitsAdminPort(p: SecurityGroupPermission): boolean {
  if ((p.Policy ?? 'accept').toLowerCase() === 'drop') return false;
  const protocol = (p.IpProtocol ?? '').toLowerCase();
  if (protocol !== 'tcp' && protocol !== 'all') return false;
  const range = protocol === 'all' ? ([1, 65535] as const) : parsePortRange(p.PortRange);
  return range !== undefined && ADMIN_PORTS.some((port) => port >= range[0] && port <= range[1]);
}

export const ECS_CHECKS: readonly PostureCheck[] = [securityGroupIngress];
