// GetSecretValue of KMS Secrets Manager (2016-01-20) through @alicloud/kms20160120;
// built as a vendor bundle (shared/util/vendor.ts): only an instance that names a KMS
// secret loads it.
import Kms, { GetSecretValueRequest } from '@alicloud/kms20160120';
import { FcCredentials } from './context';

/** The current text of a secret; `endpoint` is a host (HTTPS) or `http://host:port`. */
export async function getSecretValue(endpoint: string, c: FcCredentials, name: string): Promise<string | undefined> {
  const http = /^http:\/\//i.test(endpoint);
  const client = new Kms({
    endpoint: endpoint.replace(/^https?:\/\//i, '').replace(/\/+$/, ''),
    protocol: http ? 'HTTP' : 'HTTPS',
    accessKeyId: c.accessKeyId,
    accessKeySecret: c.accessKeySecret,
    securityToken: c.securityToken,
    readTimeout: 5_000,
    connectTimeout: 3_000,
  } as ConstructorParameters<typeof Kms>[0]);
  const res = await client.getSecretValue(new GetSecretValueRequest({ secretName: name }));
  return res.secretData;
}
