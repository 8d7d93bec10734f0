import { describe, expect, it } from 'vitest';
import { PROVIDER_FACTORIES } from '../../../src/provider-factories.js';
import { LambdaLabsConfigSchema } from '../../../src/providers/lambda-labs/lambda-labs-config.js';
import { createLambdaLabsRegistration, LambdaLabsConfigError } from '../../../src/providers/lambda-labs/lambda-labs-registration.js';

describe('Lambda Labs configuration', () => {
  it('defaults to the vendor’s limits and the production server', () => {
    const config = LambdaLabsConfigSchema.parse({ sshKeyName: 'key' });
    expect(config.rateLimits).toEqual({ requestIntervalMs: 1_000, launchIntervalMs: 12_000, guardMs: 50 });
    expect(config.capacityCacheMs).toBe(10_000);
  });

  it('is strict, and needs the SSH key name', () => {
    expect(LambdaLabsConfigSchema.safeParse({ sshKeyName: 'key', region: 'x' }).success).toBe(false);
    expect(LambdaLabsConfigSchema.safeParse({}).success).toBe(false);
  });

  it('a missing API key is a one-line start-up error', () => {
    const create = () => createLambdaLabsRegistration(LambdaLabsConfigSchema.parse({ sshKeyName: 'key' }), { env: {} });
    expect(create).toThrow(LambdaLabsConfigError);
    expect(create).toThrow(/^lambda-labs needs an API key: set LAMBDA_API_KEY/);
  });

  it('the factory reads LAMBDA_API_KEY and HANGAR_LAMBDA_LABS_URL from the environment', async () => {
    const factory = PROVIDER_FACTORIES['lambda-labs'];
    expect(factory).toBeDefined();
    const config = factory?.configSchema.parse({ sshKeyName: 'key' });
    const registration = factory?.create(config, { dataDir: '/tmp', owner: 'hangar', env: { LAMBDA_API_KEY: 'secret-key-value', HANGAR_LAMBDA_LABS_URL: 'http://127.0.0.1:9' } });
    expect(registration?.provider.name).toBe('lambda-labs');
    const health = await registration?.hooks.onHeartbeat?.('health_check');
    expect(health?.ok).toBe(false);
    expect(health?.message).not.toContain('secret-key-value');
    await registration?.hooks.onShutdown?.();
    expect(() => factory?.create(config, { dataDir: '/tmp', owner: 'hangar', env: {} })).toThrow(/LAMBDA_API_KEY/);
  });
});
