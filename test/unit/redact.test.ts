import { redact } from '../../shared/util/redact';

describe('redact', () => {
  test.each([
    ['network error: Failed to parse URL from oapi.dingtalk.com/robot/send?access_token=TOK123', 'network error: Failed to parse URL from oapi.dingtalk.com/robot/send?access_token=***'],
    ['https://alice:pw123@hooks.example.com/x', 'https://***@hooks.example.com/x'],
    ['redis://:p@ss@word@r-bp1.redis.rds.aliyuncs.com:6379/0', 'redis://***@r-bp1.redis.rds.aliyuncs.com:6379/0'],
    ['redis://r-bp1:6379/0?password=hunter2&db=1', 'redis://r-bp1:6379/0?password=***&db=***'],
    ['535 Authentication failed password=abc', '535 Authentication failed password=***'],
    ['rule sshd.failed-auth-burst key 203.0.113.5', 'rule sshd.failed-auth-burst key 203.0.113.5'],
  ])('%s', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });
  test('known secrets go wherever they are; short ones are left (a value of 1-3 characters would blank the text)', () => {
    expect(redact('sent with SECxyz-secret to the robot', ['SECxyz-secret'])).toBe('sent with *** to the robot');
    expect(redact('a b c', ['a'])).toBe('a b c');
  });
});
