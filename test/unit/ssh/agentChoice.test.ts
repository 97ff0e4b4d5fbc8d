import { describe, expect, it } from 'vitest';
import { chooseAgent } from '../../../main/protocols/ssh/auth';

// Which agent a login with `agent: true` (or a given path) asks. Pageant itself cannot run here:
// only the choice is tested; README says so.
describe('chooseAgent', () => {
  it('uses SSH_AUTH_SOCK, checked to be a socket, on Linux and macOS; none when unset', () => {
    expect(chooseAgent(true, 'linux', '/tmp/agent.sock')).toEqual({ path: '/tmp/agent.sock', check: true });
    expect(chooseAgent(true, 'darwin', undefined)).toEqual({ path: null, check: true });
    expect(chooseAgent(true, 'linux', '')).toEqual({ path: null, check: true });
    expect(chooseAgent('/run/a.sock', 'linux', '/tmp/other')).toEqual({ path: '/run/a.sock', check: true });
  });

  it('on Windows asks Pageant when SSH_AUTH_SOCK is unset, else the pipe it names, without a socket check', () => {
    expect(chooseAgent(true, 'win32', undefined)).toEqual({ path: 'pageant', check: false });
    expect(chooseAgent(true, 'win32', '')).toEqual({ path: 'pageant', check: false });
    expect(chooseAgent(true, 'win32', '\\\\.\\pipe\\openssh-ssh-agent')).toEqual({ path: '\\\\.\\pipe\\openssh-ssh-agent', check: false });
    expect(chooseAgent('pageant', 'win32', undefined)).toEqual({ path: 'pageant', check: false });
  });
});
