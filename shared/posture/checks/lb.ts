import { SecEvent } from '../../events/event';
import { CheckContext, PostureCheck, eachPart, postureEvent } from '../check';
import { accountRegions } from './regions';

/** The TLS versions of the system security policies CLB and ALB share (and ALB's 1.0-to-1.3). */
const SYSTEM_POLICY_VERSIONS: Record<string, string[]> = {
  tls_cipher_policy_1_0: ['TLSv1.0', 'TLSv1.1', 'TLSv1.2'],
  tls_cipher_policy_1_1: ['TLSv1.1', 'TLSv1.2'],
  tls_cipher_policy_1_2: ['TLSv1.2'],
  tls_cipher_policy_1_2_strict: ['TLSv1.2'],
  tls_cipher_policy_1_2_strict_with_1_3: ['TLSv1.2', 'TLSv1.3'],
  tls_cipher_policy_1_0_to_1_3: ['TLSv1.0', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'],
};
/** What both products use when a listener names no policy. */
const DEFAULT_POLICY = 'tls_cipher_policy_1_0';

/** The lowest of TLS versions, as named (`TLSv1.1`) and as a number (1.1) for the rule to compare; undefined when none is known. */
function lowest(versions: readonly string[]): { name: string; number: number } | undefined {
  let low: { name: string; number: number } | undefined;
  for (const name of versions) {
    const number = Number(/(\d+\.\d+)/.exec(name)?.[1]);
    if (Number.isFinite(number) && (low === undefined || number < low.number)) low = { name, number };
  }
  return low;
}

function listenerEvent(ctx: CheckContext, region: string, l: { product: string; loadBalancerId: string; listenerId?: string; port: number; policy: string; versions: string[] }): SecEvent {
  const id = l.listenerId ?? `${l.loadBalancerId}:${l.port}`;
  const low = lowest(l.versions);
  return postureEvent('lb-https-listener', ctx, { type: `${l.product}-listener`, id, name: `${l.loadBalancerId}:${l.port}`, region }, {
    listener: { product: l.product, load_balancer_id: l.loadBalancerId, ...(l.listenerId ? { listener_id: l.listenerId } : {}), port: l.port, tls_policy: l.policy, tls_versions: l.versions, ...(low ? { min_tls: low.name, min_tls_version: low.number } : {}) },
  });
}

/**
 * Every HTTPS listener of Classic (CLB) and Application (ALB) Load Balancers in every
 * region, with its TLS security policy and the TLS versions it accepts: an event per
 * listener, for the rule on versions below 1.2 (seed §5).
 */
export const httpsListeners: PostureCheck = {
  id: 'lb-https-listener',
  async run(ctx) {
    const regions = await accountRegions(ctx);
    // CLB and ALB apart: a region without ALB (or without CLB) still gives the other's listeners.
    const clb = eachPart(ctx, this.id, regions, (r) => `CLB in ${r}`, async (region) => {
      const instances: Array<{ id: string }> = [];
      for (let page = 1; ; page++) {
        const p = await ctx.caller.call('Slb.DescribeLoadBalancers', 'slb:DescribeLoadBalancers', () => ctx.apis.lb.clbInstances(region, page));
        instances.push(...p.instances);
        if (p.instances.length === 0 || instances.length >= p.total) break;
      }
      return eachPart(ctx, this.id, instances, (lb) => `${region} ${lb.id}`, async (lb) => {
        const listeners = await ctx.caller.call('Slb.DescribeLoadBalancerAttribute', 'slb:DescribeLoadBalancerAttribute', () => ctx.apis.lb.clbListeners(region, lb.id));
        return Promise.all(
          listeners
            .filter((x) => x.protocol.toLowerCase() === 'https')
            .map(async (l) => {
              const policy = (await ctx.caller.call('Slb.DescribeLoadBalancerHTTPSListenerAttribute', 'slb:DescribeLoadBalancerHTTPSListenerAttribute', () => ctx.apis.lb.clbTlsPolicy(region, lb.id, l.port))) || DEFAULT_POLICY;
              return listenerEvent(ctx, region, { product: 'clb', loadBalancerId: lb.id, port: l.port, policy, versions: SYSTEM_POLICY_VERSIONS[policy] ?? [] });
            }),
        );
      });
    });
    const alb = eachPart(ctx, this.id, regions, (r) => `ALB in ${r}`, async (region) => {
      const albListeners: Array<{ listenerId: string; loadBalancerId: string; port: number; securityPolicyId?: string }> = [];
      let token: string | undefined;
      do {
        const p = await ctx.caller.call('Alb.ListListeners', 'alb:ListListeners', () => ctx.apis.lb.albHttpsListeners(region, token));
        albListeners.push(...p.listeners);
        token = p.nextToken;
      } while (token);
      // The versions of the custom policies the listeners use, read once.
      const custom = [...new Set(albListeners.map((l) => l.securityPolicyId || DEFAULT_POLICY).filter((id) => !(id in SYSTEM_POLICY_VERSIONS)))];
      const customVersions = custom.length === 0 ? new Map<string, string[]>() : await ctx.caller.call('Alb.ListSecurityPolicies', 'alb:ListSecurityPolicies', () => ctx.apis.lb.albPolicyVersions(region, custom));
      return albListeners.map((l) => {
        const policy = l.securityPolicyId || DEFAULT_POLICY;
        return listenerEvent(ctx, region, { product: 'alb', loadBalancerId: l.loadBalancerId, listenerId: l.listenerId, port: l.port, policy, versions: SYSTEM_POLICY_VERSIONS[policy] ?? customVersions.get(policy) ?? [] });
      });
    });
    return [...(await clb), ...(await alb)];
  },
};
