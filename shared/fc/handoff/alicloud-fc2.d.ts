// @alicloud/fc2 ships no type declarations; this is the part secmon uses.
declare module '@alicloud/fc2' {
  interface FCClientConfig {
    accessKeyID: string;
    accessKeySecret: string;
    securityToken?: string;
    region: string;
    endpoint?: string;
    secure?: boolean;
    internal?: boolean;
    timeout?: number;
  }
  class FCClient {
    constructor(accountId: string, config: FCClientConfig);
    invokeFunction(serviceName: string, functionName: string, event: Buffer | string, headers?: Record<string, string>, qualifier?: string): Promise<{ headers: Record<string, string>; data: unknown }>;
  }
  export = FCClient;
}
