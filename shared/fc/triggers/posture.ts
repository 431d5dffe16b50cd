import type { PostureApis } from '../../posture/apis';
import { runPostureScan } from '../../posture/scan';
import type { createPostureApis } from '../../posture/clients';
import { FunctionRuntime } from '../runtime';
import { FcContext } from '../context';
import { log } from '../log';
import { loadVendor } from '../../util/vendor';
import { InvocationSummary } from './summary';

/**
 * The timer-triggered posture scan: the account's configuration as it is today (RAM
 * users, keys and policies, the root account, the password policy, security groups),
 * each finding a `posture` event that bundled rules alert on, at most once a day per
 * resource. What the scan could not read is logged and alerted on, never skipped
 * silently.
 */
const clients = new WeakMap<FunctionRuntime, PostureApis>();

export async function handlePostureScan(rt: FunctionRuntime, ctx: Pick<FcContext, 'accountId' | 'requestId' | 'region'>, now = Date.now()): Promise<InvocationSummary> {
  // One set of clients per instance; they read the current STS credentials on every call.
  let apis = clients.get(rt);
  if (!apis) {
    const { createPostureApis: create } = loadVendor<{ createPostureApis: typeof createPostureApis }>('posture-clients', `${__dirname}/../../posture/clients`);
    const c = rt.config;
    apis = create({ ram: c.ramEndpoint, ims: c.imsEndpoint, ecs: c.ecsEndpoint, regional: c.postureRegionEndpoint, bss: c.bssEndpoint, oss: c.ossEndpoint }, rt.credentials);
    clients.set(rt, apis);
  }
  const scan = await runPostureScan(apis, ctx.accountId, ctx.region, now);
  for (const p of scan.problems) log('warn', 'posture check incomplete', { requestId: ctx.requestId, check: p.check, api: p.api, permission: p.permission, error: p.message });
  const alerts = await rt.alerter.process(scan.events);
  await rt.dispatchAlerts(alerts);
  log('info', 'posture scan done', { requestId: ctx.requestId, checks: scan.checks, findings: scan.events.length, alerts: alerts.length, calls: scan.calls, throttled: scan.throttled });
  return { events: scan.events.length, skipped: 0, alerts: alerts.length };
}
