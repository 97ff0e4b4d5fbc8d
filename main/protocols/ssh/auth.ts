// Login methods, prepared once per credential: a private key is decrypted before any connection
// (so a wrong passphrase is one clear error, not N failed logins), the agent socket is checked,
// and ssh2's authHandler tries each method the server still allows, remembering which were tried.
import fs from 'node:fs';
import { utils, type ParsedKey } from 'ssh2';
import { SSH_ERROR, sshError } from './errors';

export interface SshCredentials {
  username: string;
  /** OpenSSH, PEM or PPK private key text (ed25519, ecdsa, rsa). */
  privateKey?: string | Buffer | null;
  passphrase?: string | null;
  /** Used for password and for keyboard-interactive prompts that ask for a password. */
  password?: string | null;
  /** ssh-agent: a socket path, or true for $SSH_AUTH_SOCK. */
  agent?: string | boolean | null;
}

export type AuthMethod = 'publickey' | 'agent' | 'password' | 'keyboard-interactive';

/** Credentials checked and ready for ssh2; holds the decrypted key, so keep it in memory only. */
export interface PreparedAuth {
  username: string;
  key?: ParsedKey;
  password?: string;
  agentPath?: string;
  methods: AuthMethod[];
}

/** Decrypts the key and finds the agent; throws SSH_KEY_PASSPHRASE, SSH_BAD_KEY or SSH_AGENT_UNAVAILABLE. */
export function prepareAuth(creds: SshCredentials, label = 'the credential'): PreparedAuth {
  const methods: AuthMethod[] = [];
  const out: PreparedAuth = { username: creds.username, methods };
  if (creds.privateKey) {
    const parsed = utils.parseKey(creds.privateKey, creds.passphrase ?? undefined);
    if (parsed instanceof Error) throw keyError(parsed, label, !!creds.passphrase);
    const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
    if (!key.isPrivateKey()) throw sshError(SSH_ERROR.BAD_KEY, `${label} holds a public key, not a private key.`, { credential: label });
    out.key = key;
    methods.push('publickey');
  }
  if (creds.agent) {
    out.agentPath = agentSocket(creds.agent, label);
    methods.push('agent');
  }
  if (creds.password) {
    out.password = creds.password;
    methods.push('password', 'keyboard-interactive');
  }
  if (methods.length === 0) {
    throw sshError(SSH_ERROR.AUTH_FAILED, `${label} gives no way to log in: no key, no password and no agent.`, { credential: label, methods: '' });
  }
  return out;
}

function keyError(err: Error, label: string, passphraseGiven: boolean): Error {
  const msg = err.message;
  if (/no passphrase given/i.test(msg)) {
    return sshError(SSH_ERROR.KEY_PASSPHRASE, `The private key of ${label} is encrypted and no passphrase is stored with it. Store the key's passphrase with the credential.`, { credential: label, reason: 'missing' });
  }
  if (/bad passphrase|integrity check failed|decrypt/i.test(msg) && passphraseGiven) {
    return sshError(SSH_ERROR.KEY_PASSPHRASE, `The passphrase stored for ${label} does not decrypt its private key. Store the right passphrase with the credential.`, { credential: label, reason: 'wrong' });
  }
  return sshError(SSH_ERROR.BAD_KEY, `The private key of ${label} cannot be read: ${msg}. Use an OpenSSH, PEM or PuTTY private key (ed25519, ecdsa or rsa).`, { credential: label, detail: msg });
}

/**
 * Which agent ssh2 should ask: the given socket, else $SSH_AUTH_SOCK, else on Windows Pageant
 * (ssh2's 'pageant'), else none. Windows agent paths are named pipes, not sockets: not stat-checked.
 */
export function chooseAgent(agent: string | true, platform: string, authSock: string | undefined): { path: string | null; check: boolean } {
  const path = agent === true ? authSock || null : agent;
  if (platform !== 'win32') return { path, check: true };
  return { path: path ?? 'pageant', check: false };
}

/** The agent's socket, checked to exist: SSH_AGENT_UNAVAILABLE says why not. */
export function agentSocket(agent: string | true, label = 'this login'): string {
  const { path, check } = chooseAgent(agent, process.platform, process.env.SSH_AUTH_SOCK);
  if (path && !check) return path;
  if (!path) {
    throw sshError(SSH_ERROR.AGENT_UNAVAILABLE, `No ssh-agent for ${label}: SSH_AUTH_SOCK is not set. Start ssh-agent and ssh-add your key, or store a key or password in a credential.`, { reason: 'unset' });
  }
  let isSocket = false;
  try {
    isSocket = fs.statSync(path).isSocket();
  } catch {
    // missing: reported below
  }
  if (!isSocket) {
    throw sshError(SSH_ERROR.AGENT_UNAVAILABLE, `No ssh-agent for ${label}: ${path} (SSH_AUTH_SOCK) is not a socket; the agent is not running. Start ssh-agent and ssh-add your key.`, { reason: 'absent', socket: path });
  }
  return path;
}

type AuthStep =
  | { type: 'none'; username: string }
  | { type: 'publickey'; username: string; key: ParsedKey }
  | { type: 'agent'; username: string; agent: string }
  | { type: 'password'; username: string; password: string }
  | {
      type: 'keyboard-interactive';
      username: string;
      prompt: (name: string, instructions: string, lang: string, prompts: { prompt: string; echo?: boolean }[], finish: (answers: string[]) => void) => void;
    };

export interface AuthTracker {
  /** Methods sent to the server, in order. */
  tried: AuthMethod[];
  /** What the server said it still accepts after the last failure. */
  serverAllows: string[] | null;
}

/** ssh2 authHandler: each prepared method once, skipping those the server does not offer. */
export function makeAuthHandler(prep: PreparedAuth, tracker: AuthTracker, onAttempt?: (method: AuthMethod) => void) {
  const queue = [...prep.methods];
  let asked = false;
  return (methodsLeft: string[] | null, _partial: boolean | null, next: (step: AuthStep | false) => void): void => {
    // First ask with "none", as OpenSSH does: the answer lists the methods the server takes, so no
    // secret is sent by a method it would refuse anyway (and none counts against MaxAuthTries).
    if (!methodsLeft && !asked) {
      asked = true;
      return next({ type: 'none', username: prep.username });
    }
    if (methodsLeft) tracker.serverAllows = methodsLeft;
    while (queue.length) {
      const method = queue.shift()!;
      const wire = method === 'agent' ? 'publickey' : method;
      if (methodsLeft && !methodsLeft.includes(wire)) continue;
      tracker.tried.push(method);
      onAttempt?.(method);
      const username = prep.username;
      if (method === 'publickey') return next({ type: 'publickey', username, key: prep.key! });
      if (method === 'agent') return next({ type: 'agent', username, agent: prep.agentPath! });
      if (method === 'password') return next({ type: 'password', username, password: prep.password! });
      return next({
        type: 'keyboard-interactive',
        username,
        // Answer only prompts that ask for a password; anything else (OTP, "continue?") gets nothing.
        prompt: (_n, _i, _l, prompts, finish) => finish(prompts.map((p) => (/password|passphrase|密码/i.test(p.prompt) ? prep.password! : ''))),
      });
    }
    next(false);
  };
}
