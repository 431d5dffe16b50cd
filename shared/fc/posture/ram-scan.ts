import { SecEvent } from '../../events/event';

export interface RamUser {
  userName: string;
  userId: string;
  displayName?: string;
}

/** The three RAM questions the scan asks (ram-client.ts answers them with the SDK). */
export interface RamApi {
  listUsers(marker?: string): Promise<{ users: RamUser[]; marker?: string }>;
  hasConsoleAccess(userName: string): Promise<{ console: boolean; mfaBindRequired: boolean }>;
  usersWithMfaDevice(): Promise<Set<string>>;
}

export const CHECK_CONSOLE_WITHOUT_MFA = 'ram-user-console-without-mfa';

/**
 * Lists RAM users that can sign in to the console (they have a login profile) and
 * have no virtual MFA device bound, as `posture` events for the rules to alert on.
 * The event id holds the day, so the same finding is one event per day.
 */
export async function scanConsoleUsersWithoutMfa(api: RamApi, accountId: string, now: number): Promise<SecEvent[]> {
  const users: RamUser[] = [];
  let marker: string | undefined;
  do {
    const page = await api.listUsers(marker);
    users.push(...page.users);
    marker = page.marker;
  } while (marker);
  const withMfa = await api.usersWithMfaDevice();
  const day = new Date(now).toISOString().slice(0, 10);
  const events: SecEvent[] = [];
  for (const user of users) {
    if (withMfa.has(user.userName)) continue;
    const access = await api.hasConsoleAccess(user.userName);
    if (!access.console) continue;
    const id = `posture:${CHECK_CONSOLE_WITHOUT_MFA}:${accountId}:${user.userName}:${day}`;
    events.push({
      source: 'posture',
      id,
      time: now,
      fields: {
        id,
        '@timestamp': new Date(now).toISOString(),
        event: { dataset: 'posture', kind: 'state', action: CHECK_CONSOLE_WITHOUT_MFA },
        cloud: { provider: 'alibaba_cloud', account: { id: accountId } },
        user: { name: user.userName, id: user.userId, full_name: user.displayName },
        posture: { check: CHECK_CONSOLE_WITHOUT_MFA, console_access: true, mfa_device: false, mfa_bind_required: access.mfaBindRequired },
      },
    });
  }
  return events;
}
