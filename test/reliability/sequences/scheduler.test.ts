// The deterministic scheduler never waits forever: a run may have several requests at its gate at once,
// a run that ends releases what it still had queued, and runs that stop making progress fail the round
// with a message saying where, instead of hanging it.
import { describe, expect, it } from 'vitest';
import { createRandom } from '../runs/seeded-random.js';
import { runInterleaved, SchedulerStallError, type Chooser, type GatedRequest } from './scheduler.js';

const GET: GatedRequest = { service: 'prolific', method: 'GET' };
const DESCRIBE: GatedRequest = { service: 'secrets-manager', operation: 'DescribeSecret', secretId: 'target' };
const sendAll: Chooser = () => ({ kind: 'send' });

describe('runInterleaved', () => {
  it('plays runs that have several requests at their gate at once (sent in parallel), one request at a time', async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const answer = (value: string) => async () => {
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      await Promise.resolve();
      inFlight -= 1;
      return value;
    };

    const ends = await runInterleaved(2, createRandom(7), sendAll, async (runId, gate) => {
      const [first, second] = await Promise.all([gate(DESCRIBE, answer(`${runId}a`)), gate(DESCRIBE, answer(`${runId}b`))]);
      const third = await gate(GET, answer(`${runId}c`));
      return [first, second, third].join(' ');
    });

    expect(ends).toEqual([
      { kind: 'finished', value: '0a 0b 0c' },
      { kind: 'finished', value: '1a 1b 1c' },
    ]);
    expect(mostInFlight).toBe(1);
  });

  it('ends the round when a run is cut off with requests still queued at its gate', async () => {
    const cutOffRunZero: Chooser = (runId) => (runId === 0 ? { kind: 'cut-off', afterSending: false } : { kind: 'send' });

    const ends = await runInterleaved(2, createRandom(7), cutOffRunZero, async (runId, gate) => {
      const answers = await Promise.all([gate(DESCRIBE, () => Promise.resolve('a')), gate(GET, () => Promise.resolve('b'))]);
      return `${runId}: ${answers.join(' ')}`;
    });

    expect(ends).toEqual([
      { kind: 'cut-off', at: DESCRIBE },
      { kind: 'finished', value: '1: a b' },
    ]);
  });

  it('fails the round, instead of waiting forever, when a run waits for something that does not pass its gate', async () => {
    const neverSettles = new Promise<never>(() => undefined);

    const round = runInterleaved(2, createRandom(7), sendAll, async (runId, gate) => {
      await gate(GET, () => Promise.resolve('first'));
      if (runId === 1) await neverSettles;
      return gate(GET, () => Promise.resolve('second'));
    });

    await expect(round).rejects.toThrow(SchedulerStallError);
    await expect(round).rejects.toThrow(/^run 1 \(last request sent: Prolific GET\) neither reached its gate nor ended for \d+ turns/);
  });
});
