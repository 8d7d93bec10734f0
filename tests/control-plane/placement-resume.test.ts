import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/contracts/index.js';
import { makeTempDir, type TempDir } from '../support/temp-dir.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

let dir: TempDir;
const planes: TestControlPlane[] = [];

afterEach(async () => {
  for (const plane of planes.splice(0)) await plane.close().catch(() => {});
  dir?.remove();
});

async function start(): Promise<TestControlPlane> {
  const cp = await startTestControlPlane({ dir });
  planes.push(cp);
  await cp.plane.ctx.registry.warmCatalogs();
  return cp;
}

const medium = { requirements: { vcpus: { min: 2, max: 2 }, regions: ['local-1'] } };

/**
 * A process that died mid-chain leaves its placement `running`; these tests put the database in the
 * state a SIGKILL leaves at each point (taken from a finished chain, rolled back) and start a new
 * process on it.
 */
describe('a chain interrupted by a crash resumes where it was', () => {
  it('killed during attempt 1 (outcome unknown): the restart asks the same offer again with resumed, and makes one machine', async () => {
    dir = makeTempDir('placement-resume');
    const first = await start();
    const spawned = await first.call('POST', '/v1/instances', medium, { 'Idempotency-Key': 'resume-1' });
    expect(spawned.status).toBe(202);
    const id = spawned.json.id as string;
    expect(spawned.json.provider).toBe('faulty');
    // Roll back to "attempt 1 sent, never answered": the machine exists, the row and the placement do not know it.
    await first.plane.db.updateTable('instances').set({ status: 'requested', provider_id: null }).where('id', '=', id).execute();
    await first.plane.db.updateTable('placements').set({ status: 'running', outcome: null }).where('instance_id', '=', id).execute();
    await first.plane.db.updateTable('placement_attempts').set({ outcome: 'pending', ended_at: null }).execute();
    await first.close();
    planes.splice(0);

    const second = await start();
    expect(await second.plane.resumePlacements()).toBe(1);
    let row = (await second.call('GET', `/v1/instances/${id}`)).json;
    for (let tries = 0; tries < 100 && row.status === 'requested'; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      row = (await second.call('GET', `/v1/instances/${id}`)).json;
    }
    expect(row).toMatchObject({ id, provider: 'faulty', status: expect.stringMatching(/provisioning|running/) });
    expect(second.faulty.spawnResumed).toEqual([true]);
    expect(await second.faultyBase.provider.list({ hangarInstanceId: id })).toHaveLength(1);
    const evidence = (await second.call('GET', `/v1/instances/${id}/placement`)).json;
    expect(evidence.status).toBe('placed');
    expect(evidence.attempts).toHaveLength(1);
  });

  it('killed between a refusal and the next attempt: the restart moves on without asking the refusing offer again', async () => {
    dir = makeTempDir('placement-resume');
    const first = await start();
    first.faulty.nextSpawnFault = new ProviderError({ code: 'CAPACITY_ERROR', provider: 'faulty', message: 'scripted' });
    const spawned = await first.call('POST', '/v1/instances', medium, { 'Idempotency-Key': 'resume-2' });
    expect(spawned.status).toBe(202);
    const id = spawned.json.id as string;
    const machine = spawned.json.providerId as string;
    // Roll back to "attempt 1 refused and recorded; attempt 2 not written yet".
    await first.orbstack.provider.terminate(machine);
    await first.plane.db.deleteFrom('placement_attempts').where('n', '=', 2).execute();
    await first.plane.db
      .updateTable('instances')
      .set({ status: 'requested', provider_id: null, provider: 'faulty', spawn_token: `${id}.1` })
      .where('id', '=', id)
      .execute();
    await first.plane.db.updateTable('placements').set({ status: 'running', outcome: null }).where('instance_id', '=', id).execute();
    await first.close();
    planes.splice(0);

    const second = await start();
    await second.plane.resumePlacements();
    // The chain runs in the background: the row is placed once it leaves `requested`.
    let row = (await second.call('GET', `/v1/instances/${id}`)).json;
    for (let tries = 0; tries < 100 && row.status === 'requested'; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      row = (await second.call('GET', `/v1/instances/${id}`)).json;
    }
    expect(row).toMatchObject({ id, provider: 'orbstack', status: expect.stringMatching(/provisioning|running/) });
    expect(second.faulty.spawnCalls).toBe(0);
    const evidence = (await second.call('GET', `/v1/instances/${id}/placement`)).json;
    expect(evidence.attempts.map((attempt: { n: number; outcome: string }) => [attempt.n, attempt.outcome])).toEqual([
      [1, 'refused'],
      [2, 'spawned'],
    ]);
    // The same key answers the placed instance.
    const replay = await second.call('POST', '/v1/instances', medium, { 'Idempotency-Key': 'resume-2' });
    expect(replay.json.id).toBe(id);
  });
});
