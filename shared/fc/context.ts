/** What Function Compute 3.0 passes a Node.js handler as `context` (the fields secmon uses). */
export interface FcCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface FcContext {
  requestId: string;
  credentials: FcCredentials;
  region: string;
  accountId: string;
  function: { name: string; handler?: string; memory?: number; timeout?: number; initializer?: string };
  service?: { name?: string; logProject?: string; logStore?: string };
}

/**
 * The STS credentials of the function's role change over time and arrive with every
 * invocation; SDK clients are created once per instance and read them through this.
 */
export class CredentialsRef {
  private current?: FcCredentials;

  set(c: FcCredentials | undefined): void {
    if (c?.accessKeyId) this.current = c;
  }

  get(): FcCredentials {
    if (!this.current) throw new Error('no credentials: the function needs a role (FC passes its STS credentials in context.credentials)');
    return this.current;
  }
}
