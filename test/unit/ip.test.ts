import { canonicalIp } from '../../shared/events/ip';
import { compileCondition } from '../../shared/rules/condition';
import { normalizeWebServerErrorLine } from '../../shared/events/webserver';

describe('canonical IP addresses', () => {
  test.each([
    ['203.0.113.7', '203.0.113.7'],
    ['0.0.0.0', '0.0.0.0'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:0db8:0000::0001', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
  ])('%s is %s', (text, canonical) => {
    expect(canonicalIp(text)).toBe(canonical);
  });

  test.each(['010.1.1.1', '10.1.1.01', '192.168.001.1', '::ffff:010.1.1.1', '0x7f.0.0.1', '127.1', 'web-01.example.com'])('%s is no address', (text) => {
    // A leading zero reads as octal to inet_aton (010 is 8): taken either way, one address's events could count under another's.
    expect(canonicalIp(text)).toBeUndefined();
  });

  test('a web server line whose client is written with a leading zero keeps its text and gets no source.ip, so it counts under no other address', () => {
    const line = (client: string) => `2026/11/20 10:00:00 [error] 1234#1234: *5 open() "/x" failed (2: No such file or directory), client: ${client}, server: _, request: "GET /x HTTP/1.1", host: "example.com"`;
    const [odd] = normalizeWebServerErrorLine(line('010.1.1.1'), { year: 2026 });
    expect(odd.fields.source).toEqual({ address: '010.1.1.1' });
    const [plain] = normalizeWebServerErrorLine(line('8.1.1.1'), { year: 2026 });
    expect((plain.fields.source as { ip: string }).ip).toBe('8.1.1.1');
    const cidr = compileCondition({ field: 'ip', op: 'cidr', value: '8.0.0.0/8' });
    expect(cidr({ ip: '010.1.1.1' })).toBe(false);
  });
});
