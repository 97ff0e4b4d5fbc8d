import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRunning, knownHostsLine, startSshd, unboundOf, type SshServer } from '../../../main/lab';
import { removeDir, run, sshArgs, tempStateDir } from './helpers';

describe('lab: sshd', () => {
  let dir: string;
  let server: SshServer | undefined;

  beforeAll(async () => {
    dir = tempStateDir('sshd');
    server = await startSshd({ stateDir: dir });
  });

  afterAll(async () => {
    await server?.stop();
    removeDir(dir);
  });

  it('logs in with the client key, checking the returned host key strictly', async () => {
    const s = server!;
    const known = join(dir, 'test_known_hosts');
    writeFileSync(known, knownHostsLine(s) + '\n');
    const { stdout } = await run('ssh', [...sshArgs(s, known), `${s.user}@127.0.0.1`, 'echo', 'hi']);
    expect(stdout.trim()).toBe('hi');
  });

  it('is rejected by ssh when the known host key is a different one', async () => {
    const s = server!;
    const known = join(dir, 'wrong_known_hosts');
    // Some other ed25519 key: the client key itself.
    writeFileSync(known, knownHostsLine({ ...s, hostPublicKey: s.publicKey.split(' ').slice(0, 2).join(' ') }) + '\n');
    await expect(run('ssh', [...sshArgs(s, known), `${s.user}@127.0.0.1`, 'true'])).rejects.toThrow(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('returns the host key fingerprint exactly as ssh-keygen -lf prints it', async () => {
    const s = server!;
    const { stdout } = await run('ssh-keygen', ['-lf', s.knownHostsPath]);
    expect(stdout.split(' ')[1]).toBe(s.hostKeyFingerprint);
    const fromKeyFile = await run('ssh-keygen', ['-lf', join(dir, 'sshd', 'ssh_host_ed25519_key.pub')]);
    expect(fromKeyFile.stdout.split(' ')[1]).toBe(s.hostKeyFingerprint);
    expect(s.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('takes 40 parallel sessions (MaxStartups raised)', async () => {
    const s = server!;
    const known = join(dir, 'test_known_hosts');
    const outs = await Promise.all(
      Array.from({ length: 40 }, (_, k) => run('ssh', [...sshArgs(s, known), `${s.user}@127.0.0.1`, 'echo', `n${k}`], 60_000)),
    );
    expect(outs.map((o) => o.stdout.trim())).toEqual(Array.from({ length: 40 }, (_, k) => `n${k}`));
  });

  it('stops: pid gone, port free', async () => {
    const s = server!;
    await s.stop();
    expect(isRunning(s.pid)).toBe(false);
    expect(unboundOf('tcp', [s.port])).toEqual([s.port]);
    server = undefined;
  });
});
