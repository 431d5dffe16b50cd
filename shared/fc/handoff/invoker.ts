import { SecmonConfig } from '../../config/config';
import { CredentialsRef, FcContext } from '../context';
import { loadVendor } from '../../util/vendor';

/** Hands a payload to another function by asynchronous invocation. */
export interface AsyncInvoker {
  invokeAsync(payload: Buffer): Promise<void>;
}

export class InvokeError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'InvokeError';
  }
}

/** `https://<account>.<region>-internal.fc.aliyuncs.com`: inside the region, no public traffic. */
export function defaultFcEndpoint(ctx: Pick<FcContext, 'accountId' | 'region'>): string {
  return `https://${ctx.accountId}.${ctx.region}-internal.fc.aliyuncs.com`;
}

/**
 * FC 3.0 (what Serverless Devs `fc3` deploys): InvokeFunction of
 * `@alicloud/fc20230330` with `x-fc-invocation-type: Async`, so FC's async retries and
 * on-failure destination take over delivery. The SDK is loaded on first use.
 */
export class Fc3Invoker implements AsyncInvoker {
  private client?: Promise<{ invoke(body: Buffer): Promise<number> }>;

  constructor(
    private readonly endpoint: string,
    private readonly functionName: string,
    private readonly qualifier: string,
    private readonly credentials: CredentialsRef,
    private readonly regionId: string,
  ) {}

  async invokeAsync(payload: Buffer): Promise<void> {
    this.client ??= this.create();
    const client = await this.client;
    let status: number;
    try {
      status = await client.invoke(payload);
    } catch (e) {
      throw new InvokeError(`async InvokeFunction ${this.functionName} failed: ${(e as Error).message}`, e);
    }
    if (status !== 202 && status !== 200) throw new InvokeError(`async InvokeFunction ${this.functionName}: HTTP ${status}`);
  }

  private async create() {
    const { createFc3Client } = loadVendor<typeof import('./fc3-client')>('fc3-client', `${__dirname}/fc3-client`);
    return createFc3Client({ endpoint: this.endpoint, functionName: this.functionName, qualifier: this.qualifier, credentials: this.credentials, regionId: this.regionId });
  }
}

/** FC 2.0 services and functions (older deployments), through `@alicloud/fc2`. */
export class Fc2Invoker implements AsyncInvoker {
  constructor(
    private readonly endpoint: string,
    private readonly accountId: string,
    private readonly region: string,
    private readonly service: string,
    private readonly functionName: string,
    private readonly qualifier: string,
    private readonly credentials: CredentialsRef,
  ) {}

  async invokeAsync(payload: Buffer): Promise<void> {
    const { FCClient } = loadVendor<typeof import('./fc2-client')>('fc2-client', `${__dirname}/fc2-client`);
    const c = this.credentials.get();
    // fc2 clients hold fixed keys: one per invocation is cheap and always has the current STS token.
    const client = new FCClient(this.accountId, {
      accessKeyID: c.accessKeyId,
      accessKeySecret: c.accessKeySecret,
      securityToken: c.securityToken,
      region: this.region,
      endpoint: this.endpoint,
      timeout: 10000,
    });
    const qualifier = this.qualifier === 'LATEST' ? undefined : this.qualifier;
    try {
      // fc2 rejects on any non-2xx answer.
      await client.invokeFunction(this.service, this.functionName, payload, { 'x-fc-invocation-type': 'Async' }, qualifier);
    } catch (e) {
      throw new InvokeError(`async invokeFunction ${this.service}/${this.functionName} (FC 2.0) failed: ${(e as Error).message}`, e);
    }
  }
}

/** The invoker a detector uses, from configuration; undefined for `inline` dispatch. */
export function invokerFor(config: SecmonConfig, ctx: Pick<FcContext, 'accountId' | 'region'>, credentials: CredentialsRef): AsyncInvoker | undefined {
  const endpoint = config.fcEndpoint ?? defaultFcEndpoint(ctx);
  switch (config.dispatch) {
    case 'fc3':
      return new Fc3Invoker(endpoint, config.dispatcherFunction, config.dispatcherQualifier, credentials, ctx.region);
    case 'fc2':
      return new Fc2Invoker(endpoint, ctx.accountId, ctx.region, config.fc2Service!, config.dispatcherFunction, config.dispatcherQualifier, credentials);
    default:
      return undefined;
  }
}
