// FC 3.0 InvokeFunction through @alicloud/fc20230330 (built as a separate vendor bundle; see invoker.ts).
import { Readable } from 'node:stream';
import FcClient, { InvokeFunctionHeaders, InvokeFunctionRequest } from '@alicloud/fc20230330';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import { RuntimeOptions } from '@darabonba/typescript';
import { CredentialsRef } from '../context';

export interface Fc3ClientOptions {
  endpoint: string;
  functionName: string;
  qualifier: string;
  credentials: CredentialsRef;
  regionId: string;
}

export function createFc3Client(o: Fc3ClientOptions): { invoke(body: Buffer): Promise<number> } {
  const url = new URL(o.endpoint);
  // A credential provider rather than fixed keys: the STS token is renewed between invocations.
  const credential = {
    getCredential: async () => {
      const c = o.credentials.get();
      return { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret, securityToken: c.securityToken, type: 'sts' };
    },
    getType: () => 'sts',
  };
  const client = new FcClient(
    new $OpenApiUtil.Config({ credential: credential as never, endpoint: url.host, protocol: url.protocol.replace(':', ''), regionId: o.regionId }),
  );
  return {
    async invoke(body: Buffer): Promise<number> {
      const res = await client.invokeFunctionWithOptions(
        o.functionName,
        new InvokeFunctionRequest({ qualifier: o.qualifier, body: Readable.from([body]) }),
        new InvokeFunctionHeaders({ xFcInvocationType: 'Async' }),
        new RuntimeOptions({ connectTimeout: 5000, readTimeout: 10000 }),
      );
      return res.statusCode ?? 0;
    },
  };
}
