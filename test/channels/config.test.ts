import { describe, expect, it } from 'vitest';
import { loadChannelConfig } from '../../src/channels/config.js';

describe('loadChannelConfig', () => {
  it('enables no platform channel without secrets and fills the documented defaults', () => {
    const c = loadChannelConfig({});
    expect(c.zalo).toBeNull();
    expect(c.messenger).toBeNull();
    expect(c.botFramework.appId).toBeNull();
    expect(c.inboxConcurrency).toBe(16);
  });

  it('enables Zalo with its secrets; base URLs default to the real APIs without trailing slash', () => {
    const c = loadChannelConfig({ ZALO_APP_ID: '1234567890', ZALO_OA_SECRET_KEY: 's', ZALO_ACCESS_TOKEN: 'a' });
    expect(c.zalo).toEqual({
      appId: '1234567890',
      oaSecretKey: 's',
      appSecretKey: null,
      accessToken: 'a',
      refreshToken: null,
      apiBaseUrl: 'https://openapi.zalo.me',
      oauthBaseUrl: 'https://oauth.zaloapp.com',
    });
    const local = loadChannelConfig({ ZALO_APP_ID: '1', ZALO_OA_SECRET_KEY: 's', ZALO_ACCESS_TOKEN: 'a', ZALO_API_BASE_URL: 'http://127.0.0.1:9000/' });
    expect(local.zalo!.apiBaseUrl).toBe('http://127.0.0.1:9000');
  });

  it('enables Messenger with its three secrets; Graph base defaults to v26.0', () => {
    const c = loadChannelConfig({ MESSENGER_APP_SECRET: 'x', MESSENGER_VERIFY_TOKEN: 'v', MESSENGER_PAGE_ACCESS_TOKEN: 't' });
    expect(c.messenger).toEqual({ appSecret: 'x', verifyToken: 'v', pageAccessToken: 't', graphBaseUrl: 'https://graph.facebook.com/v26.0' });
  });

  it.each([
    [{ ZALO_APP_ID: '1', ZALO_ACCESS_TOKEN: 'a' }, 'ZALO_OA_SECRET_KEY'],
    [{ ZALO_APP_ID: '1', ZALO_OA_SECRET_KEY: 's' }, 'ZALO_ACCESS_TOKEN hoặc ZALO_REFRESH_TOKEN'],
    [{ ZALO_APP_ID: '1', ZALO_OA_SECRET_KEY: 's', ZALO_REFRESH_TOKEN: 'r' }, 'ZALO_APP_SECRET_KEY'],
    [{ ZALO_APP_ID: 'abc', ZALO_OA_SECRET_KEY: 's', ZALO_ACCESS_TOKEN: 'a' }, 'ZALO_APP_ID'],
    [{ MESSENGER_APP_SECRET: 'x', MESSENGER_PAGE_ACCESS_TOKEN: 't' }, 'MESSENGER_VERIFY_TOKEN'],
    [{ MESSENGER_GRAPH_BASE_URL: 'graph.facebook.com' }, 'MESSENGER_GRAPH_BASE_URL'],
    [{ MICROSOFT_APP_ID: 'id' }, 'MICROSOFT_APP_PASSWORD'],
    [{ INBOX_CONCURRENCY: '0' }, 'INBOX_CONCURRENCY'],
  ])('stops start-up on a half-configured channel, naming the variable (%o)', (env, variable) => {
    expect(() => loadChannelConfig(env)).toThrowError(expect.objectContaining({ code: 'invalid_config', message: expect.stringContaining(variable) }));
  });
});
