import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/contracts/index.js';
import { RunPodCallError } from '../../../src/providers/runpod/runpod-errors.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { waitFor } from '../../support/wait-for.js';
import { GPU, spawnOptions, startRunPodTestBed } from './runpod-test-bed.js';

interface GraphqlRequest {
  query: string;
  variables: Record<string, unknown>;
}

const graphqlRequests = (bed: { calls: { api: string; requestBody: unknown }[] }) =>
  bed.calls.filter((call) => call.api === 'graphql').map((call) => call.requestBody as GraphqlRequest);

const rentInput = (bed: { calls: { api: string; requestBody: unknown }[] }) =>
  graphqlRequests(bed).find((request) => request.query.includes('podRentInterruptable'))?.variables.input as Record<string, unknown> | undefined;

describe('RunPod spot against the real API: per-data-center bids, public IPs, a withdrawn spot market', () => {
  const start = useTestBed(startRunPodTestBed);

  it('bids the minimum of the data center it rents in, not the cheapest one anywhere', async () => {
    // The emulator's default world: an RTX 4090 bid starts at 0.29 in US-KS-2 and US-GA-1, at 0.35 in EU-RO-1.
    const bed = await start();
    const provider = bed.registration.provider;
    const pod = await provider.spawn(spawnOptions({ spot: true, region: 'EU-RO-1' }));
    expect(pod).toMatchObject({ region: 'EU-RO-1', spot: true, costPerHour: 0.35 });
    expect(rentInput(bed)).toMatchObject({ bidPerGpu: 0.35, dataCenterId: 'EU-RO-1' });
    // No ports configured: neither a public IP nor SSH is asked for.
    expect(rentInput(bed)).not.toHaveProperty('supportPublicIp');
    expect(rentInput(bed)).not.toHaveProperty('startSsh');
    const asked = graphqlRequests(bed).find((request) => request.query.includes('lowestPrice'));
    expect(JSON.stringify(asked?.variables)).toContain('"dataCenterId":"EU-RO-1"');

    const tooLow = await provider.requestSpotInstance({ ...spawnOptions({ spot: true, region: 'EU-RO-1' }), maxPricePerHour: 0.3 });
    expect(tooLow).toMatchObject({ status: 'failed', providerInstanceId: null });
    expect(tooLow.message).toMatch(/minimum bid of 0\.35 .*EU-RO-1/);
    expect(await provider.requestSpotInstance({ ...spawnOptions({ spot: true, region: 'US-KS-2' }), maxPricePerHour: 0.3 })).toMatchObject({ status: 'fulfilled' });

    const prices = await provider.getSpotPrices({ instanceType: GPU });
    expect(Object.fromEntries(prices.map((price) => [price.region, price.pricePerHour]))).toEqual({ 'US-KS-2': 0.29, 'US-GA-1': 0.29, 'EU-RO-1': 0.35 });
    expect((await provider.getSpotPrices({ instanceType: `2x ${GPU}`, region: 'EU-RO-1' })).map((price) => price.pricePerHour)).toEqual([0.7]);
    // The catalog shows the lowest bid anywhere ("from"), and says that it varies by data center.
    const offering = (await provider.instanceTypes()).find((entry) => entry.name === GPU);
    expect(offering?.spotPricePerHour).toBe(0.29);
    expect(offering?.warnings.join(' ')).toMatch(/minimum bid differs by data center/);
  });

  it('asks for a public IP and SSH where ports are requested: supportPublicIp + startSsh on GraphQL, startSsh on REST v2 (which has no public-IP field)', async () => {
    const bed = await start({}, { cloud: 'COMMUNITY', ports: ['22/tcp', '8888/http'] });
    const provider = bed.registration.provider;
    const spot = await provider.spawn(spawnOptions({ spot: true }));
    expect(rentInput(bed)).toMatchObject({ ports: '22/tcp,8888/http', supportPublicIp: true, startSsh: true, cloudType: 'COMMUNITY' });
    // On Community Cloud the emulator gives a pod a public IP only when it was asked for one, as RunPod documents.
    expect(bed.emulator.state.pods.get(spot.providerId)?.publicIp).not.toBeNull();
    const running = await waitFor('a public 22/tcp', async () => {
      const answer = await fetch(`${bed.emulator.url}/v2/pods/${spot.providerId}`, { headers: { authorization: `Bearer ${bed.apiKey}` } });
      const pod = (await answer.json()) as { ssh: { direct: unknown }; runtime: { ports: { private: number; public: number | null }[] } | null };
      return pod.runtime === null ? undefined : pod;
    });
    expect(running.runtime?.ports.find((port) => port.private === 22)?.public).toEqual(expect.any(Number));
    expect(running.ssh.direct).not.toBeNull();

    await provider.spawn(spawnOptions());
    const create = bed.calls.find((call) => call.method === 'POST' && call.path === '/v2/pods')?.requestBody as Record<string, unknown>;
    expect(create).toMatchObject({ ports: ['22/tcp', '8888/http'], startSsh: true });
    expect(create).not.toHaveProperty('supportPublicIp');
    expect(bed.emulator.state.pods.get(spot.providerId)?.startSsh).toBe(true);
    // ...and the catalog says what that means for on-demand pods on Community Cloud.
    expect((await provider.instanceTypes())[0]?.warnings.join(' ')).toMatch(/may get no public IP.*REST v2 has no supportPublicIp/);
  });

  it.each(['refused', 'removed'] as const)(
    'RunPod withdrawing interruptable rentals (%s) is a clear, non-retryable error, remembered in health, the catalog and the spot prices',
    async (mode) => {
      const bed = await start({ interruptable: mode });
      const provider = bed.registration.provider;
      const refused = await provider.spawn(spawnOptions({ spot: true })).catch((caught: unknown) => caught);
      expect(refused).not.toBeInstanceOf(RunPodCallError);
      expect(refused).toBeInstanceOf(ProviderError);
      expect(refused).toMatchObject({ code: 'INVALID_SPEC', retryable: false });
      expect((refused as Error).message).toMatch(/RunPod no longer rents interruptible \(spot\) pods/);
      expect(bed.emulator.state.pods.size).toBe(0);
      // A bid is not merely "failed": the market is gone, and the caller is told so.
      const request = await provider.requestSpotInstance({ ...spawnOptions({ spot: true }), maxPricePerHour: 5 }).catch((caught: unknown) => caught);
      expect(request).toMatchObject({ code: 'INVALID_SPEC' });

      const health = await bed.registration.hooks.onHeartbeat?.('health_check');
      expect(health).toMatchObject({ ok: true });
      expect(health?.message).toMatch(/spot withdrawn since \S+: RunPod no longer rents interruptible/);
      const offering = (await provider.instanceTypes()).find((entry) => entry.name === GPU);
      expect(offering?.spotPricePerHour).toBeNull();
      expect(offering?.warnings.join(' ')).toMatch(/spot withdrawn/);
      expect(await provider.getSpotPrices()).toEqual([]);
      // On-demand pods are unaffected.
      expect((await provider.spawn(spawnOptions())).spot).toBe(false);

      // Offered again: the next rental clears the remembered state.
      bed.emulator.state.interruptable = 'offered';
      expect((await provider.spawn(spawnOptions({ spot: true }))).spot).toBe(true);
      expect((await bed.registration.hooks.onHeartbeat?.('health_check'))?.message).not.toMatch(/withdrawn/);
      expect((await provider.getSpotPrices({ instanceType: GPU })).length).toBeGreaterThan(0);
    },
  );
});
