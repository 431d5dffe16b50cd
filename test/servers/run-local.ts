/**
 * `npm run local-servers`: the test servers on fixed loopback ports, for trying
 * delivery by hand with examples/dispatch.local.json:
 *   DingTalk custom robot  http://127.0.0.1:18081/robot/send?access_token=local-token (secret SEClocal-secret, keyword secmon)
 *   SMTP                   127.0.0.1:18025 (user alerts@example.com, password local-smtp-password)
 *   webhook receiver       http://127.0.0.1:18082/hooks/secmon (secret local-webhook-secret)
 * Every message received is printed. Stop with Ctrl-C.
 */
import { LocalDingTalk } from './dingtalk-server';
import { LocalSmtp } from './smtp';
import { LocalWebhook } from './webhook-receiver';

async function main(): Promise<void> {
  const robot = new LocalDingTalk('local-token', 'SEClocal-secret', 'secmon');
  const smtp = new LocalSmtp('alerts@example.com', 'local-smtp-password');
  await robot.start(18081);
  await smtp.start(18025);
  const hook = new LocalWebhook('local-webhook-secret', ({ doc }) =>
    process.stdout.write(`webhook  ${doc.type} ${doc.alert ? `${doc.alert.rule} ${doc.alert.key}` : (doc.incident?.id ?? '')}\n`),
  );
  await hook.start(18082);
  // Report what arrives (the servers keep it in memory).
  let seenRobot = 0;
  let seenMail = 0;
  setInterval(() => {
    for (; seenRobot < robot.messages.length; seenRobot++) process.stdout.write(`dingtalk ${robot.messages[seenRobot].title}\n${robot.messages[seenRobot].text}\n\n`);
    for (; seenMail < smtp.messages.length; seenMail++) process.stdout.write(`email    ${smtp.messages[seenMail].subject}\n`);
  }, 500);
  process.stdout.write(`DingTalk robot on ${robot.webhook}\nSMTP on 127.0.0.1:${smtp.port}\nwebhook on http://127.0.0.1:18082/hooks/secmon\n`);
}

void main();
