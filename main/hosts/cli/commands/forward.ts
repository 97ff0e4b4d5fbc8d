import type { Command } from 'commander';
import type { CliSession } from '../session';
import { CliExit, EXIT_USAGE } from '../exitCodes';

// `clusterdeck forward add NODE [--bind ADDR] [--local-port N] HOST:PORT`: like `ssh -N -L`. The
// forward lives as long as the command: it prints the local URL and waits for Ctrl-C.

export function parseHostPort(spec: string): { host: string; port: number } {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(spec);
  const port = m ? Number(m[3]) : 0;
  if (!m || port < 1 || port > 65535) throw new CliExit(EXIT_USAGE, `"${spec}" is not HOST:PORT (e.g. localhost:8888).`);
  return { host: m[1] ?? m[2], port };
}

export function registerForward(program: Command, session: () => CliSession): void {
  const forward = program.command('forward').description('SSH local port forwards through a node');
  forward.command('add').description('listen here and carry each connection to HOST:PORT as seen from the node, until Ctrl-C')
    .argument('<node>').argument('<host:port>', 'where the node connects, e.g. localhost:8888 for a Jupyter on the node')
    .option('--bind <address>', 'local address to listen on (other than loopback exposes the forward to the network)', '127.0.0.1')
    .option('--local-port <n>', 'local port (0: any free port)', '0')
    .action(async (node: string, spec: string, o: { bind: string; localPort: string }) => {
      const { host, port } = parseHostPort(spec);
      const localPort = Number(o.localPort);
      if (!/^\d+$/.test(o.localPort) || localPort > 65535) throw new CliExit(EXIT_USAGE, `--local-port "${o.localPort}" must be 0-65535.`);
      const api = await session().caller(true);
      const { forward: f, warning } = await api.forwards.add({ node, bindAddress: o.bind, localPort, remoteHost: host, remotePort: port });
      if (warning) process.stderr.write(`clusterdeck: warning: ${warning}\n`);
      process.stdout.write(`${f.url}\n`);
      process.stderr.write(`clusterdeck: forwarding ${o.bind}:${f.localPort} -> ${spec} on ${node}; Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      const { stopped } = await api.forwards.stopAll();
      process.stderr.write(`clusterdeck: stopped ${stopped} forward(s)\n`);
    });
}
