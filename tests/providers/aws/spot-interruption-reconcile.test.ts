import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { waitFor } from '../../support/wait-for.js';
import { startAwsControlPlaneBed } from './aws-control-plane-bed.js';

const open = useTestBed(startAwsControlPlaneBed);

describe('a reclaimed AWS spot instance, end to end', () => {
  it('reconciliation sees Server.SpotInstanceTermination and ends the row as SPOT_INTERRUPTED', async () => {
    const bed = await open();
    const spawned = (await bed.call('POST', '/v1/instances', { provider: 'aws', instanceType: 'g5.xlarge', spot: true })).json;
    await waitFor('running', async () => {
      await bed.plane.reconcileNow('aws');
      return (await bed.call('GET', `/v1/instances/${String(spawned.id)}`)).json.status === 'running' ? true : undefined;
    });
    const notice = await fetch(`${bed.emulator.url}/_emulator/spot-interruptions`, {
      method: 'POST',
      body: JSON.stringify({ instanceId: spawned.providerId, noticeMs: 0 }),
    });
    expect(notice.status).toBe(200);
    const ended = await waitFor('reclaimed', async () => {
      await bed.plane.reconcileNow('aws');
      const row = (await bed.call('GET', `/v1/instances/${String(spawned.id)}`)).json;
      return row.status === 'terminated' ? row : undefined;
    });
    expect(ended.error).toMatchObject({ code: 'SPOT_INTERRUPTED' });
    const events = (await bed.call('GET', `/v1/events?instance=${String(spawned.id)}`)).json;
    expect(events.items?.map((event) => event.type)).toContain('instance.spot-interrupted');
  });
});
