import { describe, expect, it } from 'vitest';
import { computeSpendDecision, isLoopbackUrl, llmSpendDecision } from '../../src/control-plane/governance/conformance-spend-guard.js';
import { PROVIDER_FACTORIES } from '../../src/provider-factories.js';

describe('which adapters a conformance run may run', () => {
  it('knows loopback by host: 127.0.0.1, localhost and ::1 only', () => {
    for (const url of ['http://127.0.0.1:4566', 'http://localhost/v1', 'http://[::1]:8080/']) expect(isLoopbackUrl(url), url).toBe(true);
    for (const url of ['https://api.openai.com/v1', 'http://127.0.0.1.example.com', 'http://10.0.0.1', 'not a url']) expect(isLoopbackUrl(url), url).toBe(false);
  });

  it('runs under target emulator only what cannot spend: testing tier, loopback endpoints, the mock, a loopback base URL', () => {
    expect(computeSpendDecision({ tier: 'testing', endpoints: undefined }, 'emulator', false).run).toBe(true);
    expect(computeSpendDecision({ tier: 'reference', endpoints: ['http://127.0.0.1:4566', 'http://localhost:4566'] }, 'emulator', false).run).toBe(true);
    expect(computeSpendDecision({ tier: 'reference', endpoints: ['http://127.0.0.1:4566', 'https://api.pricing.us-east-1.amazonaws.com'] }, 'emulator', true)).toEqual({
      run: false,
      why: expect.stringContaining('https://api.pricing.us-east-1.amazonaws.com is not loopback'),
    });
    expect(computeSpendDecision({ tier: 'compact', endpoints: undefined }, 'emulator', true).why).toContain('endpoints are not known');
    expect(llmSpendDecision({ kind: 'mock', baseUrl: null }, 'emulator', false).run).toBe(true);
    expect(llmSpendDecision({ kind: 'openai', baseUrl: 'http://127.0.0.1:9999' }, 'emulator', false).run).toBe(true);
    expect(llmSpendDecision({ kind: 'anthropic', baseUrl: null }, 'emulator', false).why).toContain('no baseUrl');
  });

  it('runs under target live only with allowSpend', () => {
    expect(computeSpendDecision({ tier: 'testing', endpoints: [] }, 'live', false)).toEqual({ run: false, why: expect.stringMatching(/^spend not allowed/) });
    expect(llmSpendDecision({ kind: 'mock', baseUrl: null }, 'live', false).run).toBe(false);
    expect(computeSpendDecision({ tier: 'reference', endpoints: ['https://ec2.us-east-1.amazonaws.com'] }, 'live', true).run).toBe(true);
  });

  it('reads each provider’s endpoints from its config and the environment, the environment first where the factory reads it first', () => {
    const endpoints = (name: string, config: unknown, env: NodeJS.ProcessEnv = {}) => {
      const factory = PROVIDER_FACTORIES[name];
      if (factory === undefined) throw new Error(`no factory ${name}`);
      return factory.endpoints(factory.configSchema.parse(config), env);
    };
    expect(endpoints('orbstack', {})).toEqual([]);
    expect(endpoints('aws', { regions: ['us-east-1', 'eu-west-1'] })).toEqual(['https://ec2.us-east-1.amazonaws.com', 'https://ec2.eu-west-1.amazonaws.com', 'https://api.pricing.us-east-1.amazonaws.com']);
    expect(endpoints('aws', { endpoint: 'http://127.0.0.1:4566', pricing: { endpoint: 'http://127.0.0.1:4566' } })).toEqual(['http://127.0.0.1:4566', 'http://127.0.0.1:4566']);
    expect(endpoints('aws', { pricing: { enabled: false } }, { AWS_ENDPOINT_URL: 'http://localhost:4566' })).toEqual(['http://localhost:4566']);
    expect(endpoints('lambda-labs', { sshKeyName: 'k', baseUrl: 'https://cloud.example' }, { HANGAR_LAMBDA_LABS_URL: 'http://127.0.0.1:7000' })).toEqual(['http://127.0.0.1:7000']);
    expect(endpoints('lambda-labs', { sshKeyName: 'k' })).toEqual(['https://cloud.lambda.ai']);
    expect(endpoints('runpod', { baseUrl: 'http://127.0.0.1:7001' }, { HANGAR_RUNPOD_GRAPHQL_URL: 'http://127.0.0.1:7001/graphql' })).toEqual(['http://127.0.0.1:7001', 'http://127.0.0.1:7001/graphql']);
  });
});
