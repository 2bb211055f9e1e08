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
  /**
   * Starts a chain from configured tokens unless a chain with the same seed is already stored, and returns
   * the stored chain. Atomic, so a process starting while another one rotates the tokens never writes the
   * spent configured refresh token over the new one.
   */
  seedChain(name: string, tokens: StoredTokens): Promise<StoredTokens>;
  /**
   * Takes the refresh lock of an account for `ttlMs` unless another holder has it: with several processes
   * on one store, only one of them may spend the single-use refresh token. Returns true when taken.
   */
  acquireRefreshLock(name: string, holder: string, ttlMs: number): Promise<boolean>;
  releaseRefreshLock(name: string, holder: string): Promise<void>;
}

export class MemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, StoredTokens>();
  private readonly locks = new Map<string, { holder: string; until: number }>();

  async acquireRefreshLock(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const lock = this.locks.get(name);
    if (lock && lock.holder !== holder && lock.until > Date.now()) return false;
    this.locks.set(name, { holder, until: Date.now() + ttlMs });
    return true;
  }

  async releaseRefreshLock(name: string, holder: string): Promise<void> {
    if (this.locks.get(name)?.holder === holder) this.locks.delete(name);
  }

  async load(name: string): Promise<StoredTokens | undefined> {
    const t = this.tokens.get(name);
    return t && { ...t };
  }

  async save(name: string, tokens: StoredTokens): Promise<void> {
    this.tokens.set(name, { ...tokens });
  }

  async seedChain(name: string, tokens: StoredTokens): Promise<StoredTokens> {
    const stored = this.tokens.get(name);
    if (stored && stored.seed === tokens.seed) return { ...stored };
    await this.save(name, tokens);
    return { ...tokens };
  }
}
