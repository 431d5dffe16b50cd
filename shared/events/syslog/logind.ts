/**
 * systemd-logind's session lines (login.c / logind-session.c), kept as generic syslog
 * events with what they say:
 *
 *   `New session 42 of user alice.`   event.action `session-opened`, user.name, session.id
 *   `Removed session 42.`             event.action `session-closed`, session.id
 */
const NEW_SESSION = /^New session (\S+) of user (.+)\.$/;
const REMOVED_SESSION = /^Removed session (\S+)\.$/;

export function applyLogindFields(fields: Record<string, unknown>, message: string): void {
  const event = fields.event as Record<string, unknown>;
  let m = NEW_SESSION.exec(message);
  if (m) {
    event.action = 'session-opened';
    fields.user = { name: m[2] };
    fields.session = { id: m[1] };
    return;
  }
  if ((m = REMOVED_SESSION.exec(message))) {
    event.action = 'session-closed';
    fields.session = { id: m[1] };
  }
}
