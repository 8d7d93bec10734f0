import { describe, expect, it } from 'vitest';
import { supports } from '../../src/contracts/index.js';
import { startAwsControlPlaneBed } from '../providers/aws/aws-control-plane-bed.js';
import { useTestBed } from '../support/use-test-bed.js';
import { waitFor } from '../support/wait-for.js';

const open = useTestBed(() => startAwsControlPlaneBed({}, 'team-a'));

describe('persistent volumes through the API (AWS on the EC2 emulator)', () => {
  it('creates, lists, reads and deletes only this control plane’s volumes', async () => {
    const bed = await open();
    const created = await bed.call('POST', '/v1/providers/aws/volumes', { name: 'data', region: 'us-east-1', sizeGiB: 20, tags: { team: 'ml' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ region: 'us-east-1', zone: 'us-east-1a', sizeGiB: 20, tags: { 'hangar:owner': 'team-a', team: 'ml' } });
    const volumeId = String(created.json.providerVolumeId);

    // A volume another control plane owns, in the same account.
    const { provider } = bed.registration;
    if (!supports(provider, 'persistentVolumes')) throw new Error('AWS lost persistentVolumes');
    const foreign = await provider.createVolume({ name: 'theirs', region: 'us-east-1', sizeGiB: 10, owner: 'team-b' });

    const listed = await bed.call('GET', '/v1/providers/aws/volumes');
    expect(listed.json.items?.map((volume) => volume.providerVolumeId)).toEqual([volumeId]);
    expect((await bed.call('GET', `/v1/providers/aws/volumes/${volumeId}`)).json.providerVolumeId).toBe(volumeId);
    const hidden = await bed.call('GET', `/v1/providers/aws/volumes/${foreign.providerVolumeId}`);
    expect([hidden.status, hidden.json.error]).toEqual([404, expect.objectContaining({ code: 'VOLUME_NOT_FOUND' })]);
    expect((await bed.call('DELETE', `/v1/providers/aws/volumes/${foreign.providerVolumeId}`)).status).toBe(404);
    expect(await provider.getVolume(foreign.providerVolumeId)).not.toBeNull();

    await waitFor('available', async () => ((await bed.call('GET', `/v1/providers/aws/volumes/${volumeId}`)).json.status === 'available' ? true : undefined));
    expect((await bed.call('DELETE', `/v1/providers/aws/volumes/${volumeId}`)).status).toBe(204);
    expect((await bed.call('DELETE', `/v1/providers/aws/volumes/${volumeId}`)).status).toBe(204);
  });

  it('attaches a volume a spawn names, refuses to delete it while attached, and keeps it after the machine is gone', async () => {
    const bed = await open();
    const volumeId = String((await bed.call('POST', '/v1/providers/aws/volumes', { name: 'ckpt', region: 'us-east-1', sizeGiB: 50 })).json.providerVolumeId);
    await waitFor('available', async () => ((await bed.call('GET', `/v1/providers/aws/volumes/${volumeId}`)).json.status === 'available' ? true : undefined));
    const spawned = await bed.call('POST', '/v1/instances', { provider: 'aws', instanceType: 'g5.xlarge', volumes: [{ providerVolumeId: volumeId }] });
    expect(spawned.status).toBe(202);
    expect(spawned.json).toMatchObject({ zone: 'us-east-1a', volumes: [{ providerVolumeId: volumeId }] });
    await waitFor('attached', async () => {
      const volume = (await bed.call('GET', `/v1/providers/aws/volumes/${volumeId}`)).json;
      return (volume.attachedTo as string[]).includes(String(spawned.json.providerId)) ? true : undefined;
    });
    const refused = await bed.call('DELETE', `/v1/providers/aws/volumes/${volumeId}`);
    expect([refused.status, refused.json.error]).toEqual([422, expect.objectContaining({ code: 'INVALID_SPEC' })]);

    await bed.call('DELETE', `/v1/instances/${String(spawned.json.id)}`);
    await waitFor('detached', async () => {
      await bed.plane.reconcileNow('aws');
      const volume = (await bed.call('GET', `/v1/providers/aws/volumes/${volumeId}`)).json;
      return volume.status === 'available' && (volume.attachedTo as string[]).length === 0 ? true : undefined;
    });
    // The volume frees up when the machine is gone; the row turns `terminated` on the next reconcile that sees it.
    const row = await waitFor('the instance row terminated', async () => {
      await bed.plane.reconcileNow('aws');
      const current = (await bed.call('GET', `/v1/instances/${String(spawned.json.id)}`)).json;
      return current.status === 'terminated' ? current : undefined;
    });
    expect(row.status).toBe('terminated');
  });

  it('refuses a malformed volume body with 422 and changes nothing', async () => {
    const bed = await open();
    const bad = await bed.call('POST', '/v1/providers/aws/volumes', { name: 'x', region: 'us-east-1', sizeGiB: 0, owner: 'someone-else' });
    expect(bad.status).toBe(422);
    expect(bad.json.error).toMatchObject({ code: 'VALIDATION_ERROR' });
    expect((await bed.call('GET', '/v1/providers/aws/volumes')).json.items).toEqual([]);
  });
});
