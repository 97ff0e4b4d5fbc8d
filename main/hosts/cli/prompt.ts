import fs from 'node:fs';
import readline from 'node:readline';
import { AppError } from '../../../shared/errors';

/** Asks on the terminal without echo; never reads a secret from argv. */
export async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new AppError('NO_TERMINAL', `${question.replace(/:\s*$/, '')} is needed but there is no terminal to ask on. Set CLUSTERDECK_PASSPHRASE or run it interactively.`);
  }
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void };
  let asked = false;
  out._writeToOutput = (s: string) => {
    if (!asked) { process.stderr.write(s); asked = true; }
  };
  try {
    return await new Promise<string>((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

export async function readPassphrase(): Promise<string> {
  const env = process.env.CLUSTERDECK_PASSPHRASE;
  if (env) return env;
  return promptHidden('Vault passphrase: ');
}

/** A secret from piped stdin, or asked for on the terminal. */
export async function readSecret(what: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const text = fs.readFileSync(0, 'utf8');
    // A trailing newline from `echo` or a heredoc is not part of a password.
    return text.replace(/\r?\n$/, '');
  }
  return promptHidden(`${what}: `);
}
