import { CheckContext } from '../check';

/** The regions ECS offers the account, read once per scan for every regional check. */
export function accountRegions(ctx: CheckContext): Promise<string[]> {
  return ctx.memo('regions', () => ctx.caller.call('Ecs.DescribeRegions', 'ecs:DescribeRegions', () => ctx.apis.ecs.regions()));
}
