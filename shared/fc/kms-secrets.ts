import { SecretSource } from '../config/secrets';
import { loadVendor } from '../util/vendor';
import { CredentialsRef } from './context';

interface Cached {
  value: string;
  readAt: number;
}

export interface KmsSecretOptions {
  /** `kms-vpc.cn-hangzhou.aliyuncs.com` (HTTPS), or `http://127.0.0.1:PORT` for a local test server. */
  endpoint: string;
  credentials: CredentialsRef;
  /** How long a value is used before it is read again (so a rotated secret is picked up). */
  ttlMs: number;
  now?: () => number;
}

/**
 * Secrets from KMS Secrets Manager (GetSecretValue, the current version), read with
 * the function role's STS credentials and kept per instance for `ttlMs`. The SDK is
 * a vendor file loaded on first use: an instance whose settings name no KMS secret
 * never loads it.
 */
export class KmsSecretSource implements SecretSource {
  private readonly cache = new Map<string, Cached>();
  private readonly now: () => number;

  constructor(private readonly opts: KmsSecretOptions) {
    this.now = opts.now ?? Date.now;
  }

  async read(names: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const name of names) {
      const hit = this.cache.get(name);
      out.set(name, hit && this.now() - hit.readAt < this.opts.ttlMs ? hit.value : await this.fetch(name));
    }
    return out;
  }

  /**
   * Whether a secret read before now has another value (each read again once its TTL
   * has passed). KMS out of reach is no reason to fail the invocation: the value in
   * hand stays in use and is tried again after half a TTL (`onError` is told).
   */
  async rotated(onError: (message: string) => void = () => undefined): Promise<boolean> {
    let changed = false;
    for (const [name, hit] of [...this.cache]) {
      if (this.now() - hit.readAt < this.opts.ttlMs) continue;
      const before = hit.value;
      try {
        if ((await this.fetch(name)) !== before) changed = true;
      } catch (e) {
        hit.readAt = this.now() - this.opts.ttlMs / 2;
        onError((e as Error).message);
      }
    }
    return changed;
  }

  private async fetch(name: string): Promise<string> {
    const kms = loadVendor<typeof import('./kms-client')>('kms-client', `${__dirname}/kms-client`);
    let data: string | undefined;
    try {
      data = await kms.getSecretValue(this.opts.endpoint, this.opts.credentials.get(), name);
    } catch (e) {
      // The SDK's message carries the service's code and request id, never the secret.
      throw new Error(`KMS secret ${name} could not be read: ${(e as Error).message}`);
    }
    if (typeof data !== 'string' || data === '') throw new Error(`KMS secret ${name} has no text value`);
    this.cache.set(name, { value: data, readAt: this.now() });
    return data;
  }
}
