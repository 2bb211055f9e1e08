/**
 * Durable OAuth tokens of a platform account (the Zalo OA access/refresh pair). Zalo refresh tokens are
 * single-use and rotate, so a new pair must be saved here before the new access token is used.
 */

export interface StoredTokens {
  accessToken: string;
  refreshToken: string | null;
  /** When the access token expires (ms since epoch), or null when unknown (tokens seeded from config). */
  expiresAt: number | null;
  /** Fingerprint of the configured tokens this chain started from; new configured tokens restart the chain. */
  seed: string;
  updatedAt: number;
}

export interface TokenStore {
  load(name: string): Promise<StoredTokens | undefined>;
  save(name: string, tokens: StoredTokens): Promise<void>;
}

export class MemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, StoredTokens>();

  async load(name: string): Promise<StoredTokens | undefined> {
    const t = this.tokens.get(name);
    return t && { ...t };
  }

  async save(name: string, tokens: StoredTokens): Promise<void> {
    this.tokens.set(name, { ...tokens });
  }
}
