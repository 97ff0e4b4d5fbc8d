// The vault agent's thin client (main/hosts/cli/agentClient.ts): it repeats resolveDataDir so as to
// import nothing of ours, and checks the agent's frames by hand instead of with zod; both must
// agree with what they stand in for.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentCommandStart, dataDirOf, frameOf } from '../../../main/hosts/cli/agentClient';
import { resolveDataDir } from '../../../main/store/dataDir';

describe('agent thin client', () => {
  it('finds the data folder exactly as resolveDataDir does', () => {
    const home = '/home/u';
    const cases: [string | undefined, NodeJS.ProcessEnv][] = [
      ['/abs/data', {}],
      ['rel/data', {}],
      ['./a/../b//c/', {}],
      ['/abs/data', { CLUSTERDECK_DATA_DIR: '/env/data' }],
      ['', { CLUSTERDECK_DATA_DIR: '/env/data' }],
      [undefined, { CLUSTERDECK_DATA_DIR: 'env rel/data' }],
      [undefined, { CLUSTERDECK_DATA_DIR: '', XDG_CONFIG_HOME: '/xdg' }],
      [undefined, { XDG_CONFIG_HOME: '/xdg' }],
      [undefined, { XDG_CONFIG_HOME: '' }],
      [undefined, { HOME: home }],
      [undefined, { HOME: '' }],
      [undefined, { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }],
      ['/a b/"quoted"/*', {}],
    ];
    for (const [flag, env] of cases) {
      const saved = process.env.HOME;
      if (env.HOME !== undefined) process.env.HOME = env.HOME; // os.homedir() reads HOME
      try {
        expect(dataDirOf(flag, env), `${flag} ${JSON.stringify(env)}`).toBe(resolveDataDir(flag, env));
      } finally {
        process.env.HOME = saved;
      }
    }
    expect(dataDirOf('rel', {})).toBe(path.resolve('rel'));
  });

  it('picks out the commands the agent may run after the root --data-dir', () => {
    expect(agentCommandStart(['power', 'status', 'n1'])).toEqual({ dataDir: undefined, at: 0 });
    expect(agentCommandStart(['--data-dir', '/d', 'sensors', 'n1'])).toEqual({ dataDir: '/d', at: 2 });
    expect(agentCommandStart(['--data-dir=/d', '--data-dir', '/e', 'sel', 'list', 'n1'])).toEqual({ dataDir: '/e', at: 3 });
    for (const argv of [[], ['--data-dir'], ['nodes', 'list'], ['--help', 'power'], ['-V'], ['help', 'power']]) {
      expect(agentCommandStart(argv), argv.join(' ')).toBeUndefined();
    }
  });

  it('takes the frames the agent sends and nothing else', () => {
    const good = [
      { type: 'accepted' },
      { type: 'progress', done: 3, total: 100 },
      { type: 'stdout', text: 'gpu[1-8]: on\n' },
      { type: 'stderr', text: '' },
      { type: 'exit', code: 0 },
      { type: 'exit', code: 2 },
      { type: 'error', error: { code: 'AGENT_FALLBACK', message: 'no' } },
    ];
    for (const f of good) expect(frameOf(f)).toEqual(f);
    // Extra fields are dropped, not passed on.
    expect(frameOf({ type: 'error', error: { code: 'X', key: 'X', params: {}, message: 'm' } })).toEqual({ type: 'error', error: { code: 'X', message: 'm' } });
    const bad: unknown[] = [
      null, 'stdout', [], {}, { type: 'event', event: {} }, { type: 'notice', message: 'x' },
      { type: 'progress', done: '1', total: 2 }, { type: 'progress', done: 1.5, total: 2 },
      { type: 'stdout' }, { type: 'stdout', text: 1 }, { type: 'exit', code: -1 }, { type: 'exit', code: 256 }, { type: 'exit', code: '0' },
      { type: 'error', error: 'AGENT_FALLBACK' }, { type: 'error', error: { code: 'X' } },
    ];
    for (const f of bad) expect(frameOf(f), JSON.stringify(f)).toBeUndefined();
  });
});
