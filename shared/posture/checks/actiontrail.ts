import { PostureCheck, postureEvent } from '../check';

/**
 * The account's trails and whether one records every region's events, reads and
 * writes, and is delivering now (CIS 2.1): one event a day, for the rule that calls a
 * gap in the audit log.
 */
export const trails: PostureCheck = {
  id: 'actiontrail-trails',
  async run(ctx) {
    const found = await ctx.caller.call('Actiontrail.DescribeTrails', 'actiontrail:DescribeTrails', () => ctx.apis.actiontrail.describeTrails(ctx.region));
    const described = await Promise.all(
      found.map(async (t) => ({
        name: t.name,
        home_region: t.homeRegion ?? '',
        trail_region: t.trailRegion ?? '',
        event_rw: t.eventRW ?? '',
        status: t.status ?? '',
        delivers_to: [t.slsProjectArn ? 'sls' : '', t.ossBucketName ? 'oss' : ''].filter(Boolean),
        organization: t.isOrganizationTrail === true,
        logging: t.status === 'Enable' ? await ctx.caller.call('Actiontrail.GetTrailStatus', 'actiontrail:GetTrailStatus', () => ctx.apis.actiontrail.isLogging(ctx.region, t)) : false,
      })),
    );
    const complete = described.some((t) => t.trail_region === 'All' && t.event_rw === 'All' && t.logging && t.delivers_to.length > 0);
    return [postureEvent(this.id, ctx, { type: 'account', id: ctx.accountId }, { trails: described, trail_count: described.length, all_regions_logging: complete })];
  },
};
