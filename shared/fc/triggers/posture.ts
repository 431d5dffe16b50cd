import { CHECK_CONSOLE_WITHOUT_MFA, RamApi, scanConsoleUsersWithoutMfa } from '../posture/ram-scan';
import type { createRamApi } from '../posture/ram-client';
import { FunctionRuntime } from '../runtime';
import { FcContext } from '../context';
import { log } from '../log';
import { loadVendor } from '../../util/vendor';
import { InvocationSummary } from './summary';

/**
 * The timer-triggered posture scan: RAM users with console access and no MFA device,
 * each a `posture` event the bundled rule alerts on (at most once a day per user).
 */
const clients = new WeakMap<FunctionRuntime, RamApi>();

export async function handlePostureScan(rt: FunctionRuntime, ctx: Pick<FcContext, 'accountId' | 'requestId'>, now = Date.now()): Promise<InvocationSummary> {
  // One RAM client per instance; it reads the current STS credentials on every call.
  let api = clients.get(rt);
  if (!api) {
    const { createRamApi: create } = loadVendor<{ createRamApi: typeof createRamApi }>('ram-client', `${__dirname}/../posture/ram-client`);
    api = create(rt.config.ramEndpoint, rt.credentials);
    clients.set(rt, api);
  }
  const events = await scanConsoleUsersWithoutMfa(api, ctx.accountId, now);
  const alerts = await rt.alerter.process(events);
  await rt.dispatchAlerts(alerts);
  const summary = { events: events.length, skipped: 0, alerts: alerts.length };
  log('info', 'posture scan done', { requestId: ctx.requestId, check: CHECK_CONSOLE_WITHOUT_MFA, findings: events.length, alerts: alerts.length });
  return summary;
}
