import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliSession } from '../session';
import { startServer } from '../../serve/server';
import { keepSessionOpen } from '../lifecycle';
import { AppError } from '../../../../shared/errors';

/** The built UI sits next to the built CLI (out/main → out/renderer). */
export function rendererDir(): string {
  const candidates = [process.env.CLUSTERDECK_RENDERER_DIR, path.resolve(__dirname, '../renderer'), path.resolve(process.cwd(), 'out/renderer')];
  const found = candidates.find((d) => d && fs.existsSync(path.join(d, 'index.html')));
  if (!found) throw new AppError('UI_NOT_BUILT', 'The UI is not built. Run `npm run build` in the ClusterDeck folder first.');
  return found;
}

export function registerServe(program: Command, session: () => CliSession): void {
  program.command('serve').description('serve the ClusterDeck UI to a browser on this machine (loopback, token-protected)')
    .option('--host <host>', 'address to bind; anything but loopback exposes ClusterDeck to the network', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', (v) => Number.parseInt(v, 10), 7420)
    .action(async (o: { host: string; port: number }) => {
      const app = await session().open();
      const dir = rendererDir();
      let server;
      try {
        server = await startServer({ services: app.services, rendererDir: dir, host: o.host, port: o.port });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new AppError('PORT_IN_USE', `Port ${o.port} is in use. Pass --port with another number, or --port 0 for any free port.`);
        throw error;
      }
      keepSessionOpen();
      if (!['127.0.0.1', 'localhost', '::1'].includes(o.host)) {
        process.stderr.write(`warning: bound to ${o.host}; anyone who can reach it and has the token can operate this cluster\n`);
      }
      process.stdout.write(`ClusterDeck is serving ${app.dataDir}\n  ${server.url}\n`);
      const stop = () => {
        // Consoles say goodbye first (a SOL payload left active stays busy on the BMC for ~40 s).
        void server.close().then(() => app.shutdown()).then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
