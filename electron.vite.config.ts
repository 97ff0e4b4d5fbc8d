import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * Packages the main process (and so every `clusterdeck` command) loads only when it first uses
 * them. Rollup turns `import { Client } from 'ssh2'` into a `const ssh2 = require("ssh2")` at the
 * top of the chunk and every use into `ssh2.Client`; this plugin replaces that require with a
 * proxy that requires the package on first property access, call or `new`. So `clusterdeck power
 * status` does not pay for SSH, images, YAML, XML or WebSockets (measured: ssh2 40 ms, sharp 37 ms,
 * yaml 37 ms, fast-xml-parser 17 ms, ws 15 ms, @kubernetes/client-node 600 ms on the lab machine).
 * Only packages used through member access, calls or `new` belong here (no `Object.keys(pkg)`):
 * zod, @trpc/server and commander build objects at module load, so laziness would buy nothing.
 */
export const LAZY_PACKAGES = [
  'ssh2',
  'ssh-config',
  'sharp',
  'yaml',
  'fast-xml-parser',
  'ws',
  '@kubernetes/client-node',
  'csv-parse/sync',
  'csv-stringify/sync',
  // Node built-ins not in Node's start-up snapshot, used by few commands: HTTP(S) and TLS (Redfish,
  // Kubernetes), child processes (commander's executable subcommands, exec), readline (prompts).
  // Measured: power status loaded http, _http_* and tls for nothing (~8 ms).
  'node:http',
  'node:tls',
  'node:child_process',
  'node:readline',
];

/** Pure-JS packages every command needs at load: bundled into the main chunks (see below). */
// The tRPC WebSocket adapter too: one copy of @trpc/server, so its symbols and classes (tracked
// subscription envelopes, TRPCError) are the ones the routers were built with.
export const BUNDLED_PACKAGES = ['zod', 'commander', '@trpc/server', '@trpc/server/adapters/ws'];

const LAZY_REQUIRE = `function __lazyRequire(id) {
  let m;
  const load = () => (m ??= require(id));
  const proxy = new Proxy(function () {}, {
    get: (_t, k) => Reflect.get(load(), k),
    has: (_t, k) => k in load(),
    apply: (_t, self, args) => Reflect.apply(load(), self, args),
    construct: (_t, args, nt) => Reflect.construct(load(), args, nt === proxy ? load() : nt),
  });
  return proxy;
}
`;

function lazyExternals(packages: readonly string[]): Plugin {
  const lazy = new Set(packages);
  return {
    name: 'clusterdeck-lazy-externals',
    renderChunk(code) {
      let used = false;
      const out = code.replace(/^(?:const ([\w$]+) = )?require\((['"])([^'"]+)\2\);$/gm, (line, name: string | undefined, _q: string, id: string) => {
        if (!lazy.has(id)) return line;
        if (!name) return ''; // a bare require only keeps the package's load order: nothing to load early
        used = true;
        return `const ${name} = /* @__PURE__ */ __lazyRequire(${JSON.stringify(id)});`;
      });
      if (out === code) return null;
      if (!used) return { code: out, map: null };
      // After the shebang and "use strict", so the helper runs in strict mode too.
      const strict = out.match(/^(#!.*\n)?(['"])use strict\2;\n/);
      const at = strict ? strict[0].length : 0;
      return { code: out.slice(0, at) + LAZY_REQUIRE + out.slice(at), map: null };
    },
  };
}

/**
 * Swaps two hooks of @rc-component/virtual-list (under antd's virtual Table, Select and Tree) for the files in
 * renderer/src/patches/: `useChildren` (stable row props; table rows keyed by slot, so scrolled-in rows reuse
 * the React tree and DOM of rows scrolled out) and `useHeights` (measures only rows that appear; rows of the
 * estimated height change nothing), makes List.js pass its `itemHeight` to the latter and find the shown rows by
 * arithmetic while all rows have that height (`uniformRange`), and gives @rc-component/table's virtual body
 * `virtualBodyLine.ts` for its rows (rows of recycling tables draw plain cells without VirtualCell and Cell). Why: see those files;
 * the 10,000-node inventory re-rendered, re-measured or mounted rows on every scroll frame. The build fails if
 * the library stops importing either module or its List.js changes the code patched, so an upgrade is reviewed rather
 * than silently losing the fix.
 */
function stableVirtualRows(): Plugin {
  const PACKAGE = /[\\/]@rc-component[\\/]virtual-list[\\/]es[\\/]/;
  const swaps: Record<string, string> = {
    useChildren: resolve(__dirname, 'renderer/src/patches/virtualListChildren.ts'),
    useHeights: resolve(__dirname, 'renderer/src/patches/virtualListHeights.ts'),
  };
  const HEIGHTS_CALL = 'useHeights(getKey, null, null)';
  const RANGE_WALK = 'const dataLen = mergedData.length;\n    for (let i = 0; i < dataLen; i += 1) {';
  const uniformRange = resolve(__dirname, 'renderer/src/patches/uniformRange.ts');
  const swapped = new Set<string>();
  let patchedList = false;
  // rc-table's virtual body (BodyGrid) draws its rows through BodyLine: rows of recycling tables are drawn lighter.
  const TABLE_GRID = /[\\/]@rc-component[\\/]table[\\/]es[\\/]VirtualTable[\\/]BodyGrid\.js$/;
  const lightLine = resolve(__dirname, 'renderer/src/patches/virtualBodyLine.ts');
  let swappedLine = false;
  return {
    name: 'clusterdeck-stable-virtual-rows',
    enforce: 'pre',
    resolveId(source, importer) {
      if (/^\.\/BodyLine(\.js)?$/.test(source) && importer && TABLE_GRID.test(importer)) { swappedLine = true; return lightLine; }
      const hook = /^\.\/hooks\/(useChildren|useHeights)(\.js)?$/.exec(source)?.[1];
      if (!hook || !importer || !PACKAGE.test(importer)) return null;
      swapped.add(hook);
      return swaps[hook];
    },
    transform(code, id) {
      if (!PACKAGE.test(id) || !/[\\/]List\.js$/.test(id)) return null;
      if (!code.includes(HEIGHTS_CALL)) this.error(`@rc-component/virtual-list's List.js no longer calls ${HEIGHTS_CALL}: review renderer/src/patches/virtualListHeights.ts`);
      if (!code.includes(RANGE_WALK)) this.error("@rc-component/virtual-list's List.js no longer walks its rows as renderer/src/patches/uniformRange.ts expects: review it");
      patchedList = true;
      // While no row is recorded at another height than the estimate, the walk over every row to find the shown
      // ones is arithmetic.
      const fastRange = 'if (heights.uneven === 0 && Number.isInteger(itemHeight) && itemHeight > 0) ({ startIndex, startOffset, endIndex, itemTop } = __uniformRange(offsetTop, height, itemHeight, dataLen)); else';
      const patched = code.replace(HEIGHTS_CALL, 'useHeights(getKey, null, null, itemHeight)')
        .replace(RANGE_WALK, RANGE_WALK.replace('\n', `\n    ${fastRange}\n`));
      return { code: `import { uniformRange as __uniformRange } from ${JSON.stringify(uniformRange)};\n${patched}`, map: null };
    },
    buildEnd(error) {
      if (error) return;
      for (const hook of Object.keys(swaps)) {
        if (!swapped.has(hook)) this.error(`@rc-component/virtual-list no longer imports ./hooks/${hook}: review ${swaps[hook]} against the new version`);
      }
      if (!patchedList) this.error('@rc-component/virtual-list has no es/List.js to patch');
      if (!swappedLine) this.error(`@rc-component/table's VirtualTable/BodyGrid.js no longer imports ./BodyLine: review ${lightLine}`);
    },
  };
}

// One build for the three front doors: out/main/electron.js (desktop), out/main/cli.js (the
// `clusterdeck` command, also hosting `serve`; out/main/agentClient.js is its thin client of the vault agent), out/preload/index.js, out/renderer/ (the UI that
// both the desktop window and `clusterdeck serve` load).
export default defineConfig({
  main: {
    plugins: [lazyExternals(LAZY_PACKAGES)],
    build: {
      outDir: 'out/main',
      // Bundled rather than required from node_modules: zod alone is 95 files, ~50 ms of module
      // loading on every `clusterdeck` run; one bundled chunk loads in a fraction of that.
      externalizeDeps: { exclude: BUNDLED_PACKAGES },
      rollupOptions: {
        input: {
          electron: resolve(__dirname, 'main/hosts/electron/main.ts'),
          cli: resolve(__dirname, 'main/hosts/cli/index.ts'),
          // The vault agent's thin client (node: built-ins only), which resources/bin/clusterdeck runs for power/sensors/sel.
          agentClient: resolve(__dirname, 'main/hosts/cli/agentClient.ts'),
        },
        output: {
          // Each CLI command's module is a chunk of its own, loaded only when that command runs
          // (main/hosts/cli/commandTable.ts); the name says so (test/integration/cli/cliStartup.test.ts).
          chunkFileNames: (chunk) =>
            chunk.facadeModuleId && /[\\/]main[\\/]hosts[\\/]cli[\\/]commands[\\/]/.test(chunk.facadeModuleId)
              ? 'chunks/cli-command-[name]-[hash].js'
              : 'chunks/[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve(__dirname, 'preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react(), stableVirtualRows()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } },
      chunkSizeWarningLimit: 4000,
    },
  },
});
