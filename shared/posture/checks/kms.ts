import { SecEvent } from '../../events/event';
import { PostureCheck, eachPart, postureEvent } from '../check';
import { accountRegions } from './regions';

const PAGE = 100;

/**
 * The customer master keys of every region, as KMS describes them: an event per
 * enabled key the account created (not a cloud service's), for the rule on automatic
 * rotation (seed §3, CIS 8.x: keys rotated). Which keys can rotate (symmetric, made by
 * KMS) is the rule's to say.
 */
export const kmsKeys: PostureCheck = {
  id: 'kms-key',
  async run(ctx) {
    const regions = await accountRegions(ctx);
    return eachPart(ctx, this.id, regions, (r) => `region ${r}`, async (region) => {
      const ids: string[] = [];
      for (let page = 1; ; page++) {
        const p = await ctx.caller.call('Kms.ListKeys', 'kms:ListKeys', () => ctx.apis.kms.listKeys(region, page));
        ids.push(...p.keyIds);
        if (p.keyIds.length === 0 || ids.length >= p.total || p.keyIds.length < PAGE) break;
      }
      return eachPart(ctx, this.id, ids, (id) => `${region} ${id}`, async (id): Promise<SecEvent[]> => {
        const k = await ctx.caller.call('Kms.DescribeKey', 'kms:DescribeKey', () => ctx.apis.kms.describeKey(region, id));
        if (k.keyState !== 'Enabled' || k.creator !== ctx.accountId) return [];
        return [
          postureEvent(this.id, ctx, { type: 'kms-key', id: k.keyId, region }, {
            kms_key: {
              id: k.keyId,
              spec: k.keySpec ?? '',
              usage: k.keyUsage ?? '',
              origin: k.origin ?? '',
              protection_level: k.protectionLevel ?? '',
              automatic_rotation: k.automaticRotation ?? 'Disabled',
              rotation_interval: k.rotationInterval ?? '',
              last_rotation: k.lastRotationDate ?? '',
              created: k.creationDate ?? '',
            },
          }),
        ];
      });
    });
  },
};
