/**
 * Where secret references that are not environment variables are read: KMS Secrets
 * Manager in Function Compute (shared/fc/kms-secrets.ts). The CLI has none, and a
 * KMS reference there is an error that says so.
 */
export interface SecretSource {
  /** The current value of each named secret; throws naming the secret that could not be read (never a value). */
  read(names: string[]): Promise<Map<string, string>>;
}

/** A secret reference as the dispatch configuration writes it. */
export type SecretRef = { env: string } | { kms: string; field?: string };

/** The value a reference names: a KMS secret's text, or one field of a JSON secret. */
export function secretValue(ref: { kms: string; field?: string }, values: Map<string, string>): string | undefined {
  const text = values.get(ref.kms);
  if (text === undefined || ref.field === undefined) return text;
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    const v = doc?.[ref.field];
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
