// Secrets through the real client against the simulated API server: create, replace, delete.
import { describe, expect, it } from 'vitest';
import { useSimCluster } from '@/tests/sim';
import { applySecret, deleteSecret } from './secrets';

const sim = useSimCluster({ seed: 3, speed: 100 });

describe('secrets', () => {
  it('creates, replaces on a second apply, and deletes idempotently', async () => {
    const read = () =>
      sim().sim.store.get('secrets', 'gantry-jobs', 'gantry-sweep-test') as unknown as
        { data: Record<string, string>; metadata: { labels: Record<string, string> } } | undefined;
    await applySecret({
      name: 'gantry-sweep-test',
      labels: { 'gantry.dev/dataset-id': 'x' },
      stringData: { token: 'gbr_one' },
    });
    expect(read()?.data).toEqual({ token: Buffer.from('gbr_one').toString('base64') });
    expect(read()?.metadata.labels).toEqual({ 'gantry.dev/dataset-id': 'x' });
    await applySecret({ name: 'gantry-sweep-test', stringData: { token: 'gbr_two' } });
    expect(Buffer.from(read()!.data.token, 'base64').toString()).toBe('gbr_two');
    expect(await deleteSecret('gantry-sweep-test')).toBe(true);
    expect(read()).toBeUndefined();
    expect(await deleteSecret('gantry-sweep-test')).toBe(false);
  });
});
