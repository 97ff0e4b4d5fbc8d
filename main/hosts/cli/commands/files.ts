import os from 'node:os';
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { printJson, printTable } from '../output';
import { toAppErrorData } from '../../../../shared/contract/trpc';
import { CliExit, EXIT_SOME_FAILED } from '../exitCodes';
import { callerWithSignal, runTransfer } from '../transfer';

// `clusterdeck files ls|get|put|mkdir|rm|mv NODE ...`: the same Files service as the Consoles page.
// Paths on the node are absolute; names that are not UTF-8 can be given as --b64 (raw bytes).


/** A failure on the node (missing path, permission, full disk) exits 1; bad usage keeps exit 2. */
function onNode<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      if (error instanceof CliExit) throw error;
      const d = toAppErrorData(error);
      if (d.code === 'INVALID_INPUT' || d.code === 'INTERNAL') throw error;
      throw new CliExit(EXIT_SOME_FAILED, `error: ${d.message}`);
    }
  };
}


export function registerFiles(program: Command, session: () => CliSession): void {
  const files = program.command('files').description('browse and change files on a node over SFTP, copy files and folders to and from it');
  const remote = (path: string, b64?: boolean) => (b64 ? { path: '/', pathB64: path } : { path });

  files.command('ls').description('list a folder on the node (names that are not plain UTF-8 are shown escaped)')
    .argument('<node>').argument('<path>', 'absolute folder path on the node')
    .option('--b64', 'the path is given as base64 of its raw bytes').option('--json', 'JSON output (with each raw name in base64)')
    .action(onNode(async (node: string, path: string, o: { b64?: boolean; json?: boolean }) => {
      const api = await session().caller(true);
      const r = await api.files.list({ node, ...remote(path, o.b64) });
      if (o.json) return printJson(r);
      printTable(['TYPE', 'MODE', 'SIZE', 'MODIFIED', 'NAME'], r.entries.map((e) => [e.type, e.mode.toString(8).padStart(4, '0'), e.size, new Date(e.mtime * 1000).toISOString().slice(0, 19).replace('T', ' '), e.name]));
    }));

  files.command('get').description('download a file or a whole folder from the node into a local folder')
    .argument('<node>').argument('<remote-path>').argument('<local-dir>')
    .option('--b64', 'the remote path is given as base64 of its raw bytes').option('--overwrite', 'replace what is already there')
    .action(onNode(async (node: string, path: string, localDir: string, o: { b64?: boolean; overwrite?: boolean }) => {
      const app = await session().open(true);
      await runTransfer((signal) => callerWithSignal(app, signal).files.download({ node, ...remote(path, o.b64), localDir, overwrite: !!o.overwrite }), 'download');
    }));

  files.command('put').description('upload a local file or a whole folder into a folder on the node')
    .argument('<node>').argument('<local-path>').argument('<remote-dir>')
    .option('--overwrite', 'replace what is already there')
    .action(onNode(async (node: string, localPath: string, remoteDir: string, o: { overwrite?: boolean }) => {
      const app = await session().open(true);
      await runTransfer((signal) => callerWithSignal(app, signal).files.upload({ node, localPath, remoteDir, overwrite: !!o.overwrite }), 'upload');
    }));

  files.command('mkdir').description('create a folder on the node').argument('<node>').argument('<path>')
    .option('-p, --parents', 'create missing parent folders too')
    .action(onNode(async (node: string, path: string, o: { parents?: boolean }) => {
      const api = await session().caller(true);
      process.stdout.write(`${(await api.files.mkdir({ node, path, parents: !!o.parents })).path}\n`);
    }));

  files.command('rm').description('delete a file, an empty folder, or (with -r) a folder and everything in it')
    .argument('<node>').argument('<path>')
    .option('-r, --recursive', 'delete a folder with everything in it').option('--b64', 'the path is given as base64 of its raw bytes')
    .action(onNode(async (node: string, path: string, o: { recursive?: boolean; b64?: boolean }) => {
      const api = await session().caller(true);
      process.stdout.write(`deleted ${(await api.files.remove({ node, ...remote(path, o.b64), recursive: !!o.recursive })).path}\n`);
    }));

  files.command('mv').description('rename or move on the node (TO: an absolute path, or a new name in the same folder)')
    .argument('<node>').argument('<from>').argument('<to>')
    .option('--overwrite', 'replace an existing TO').option('--b64', 'FROM is given as base64 of its raw bytes')
    .action(onNode(async (node: string, from: string, to: string, o: { overwrite?: boolean; b64?: boolean }) => {
      const api = await session().caller(true);
      process.stdout.write(`${(await api.files.rename({ node, ...remote(from, o.b64), to, overwrite: !!o.overwrite })).path}\n`);
    }));
}
