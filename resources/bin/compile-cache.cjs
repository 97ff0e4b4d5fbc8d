'use strict';
// A V8 code cache for the CLI's own bundle (out/main), as Node 22's module.enableCompileCache()
// does (Node 20 has none): the first run of a build compiles the chunks it loads and stores V8's
// code for them; later runs skip parsing and compiling (~30 ms of every `clusterdeck power status`
// on the lab machine). Per user, in a folder only that user may write (cached code runs as-is, so
// nobody else may be able to plant it); keyed by file name, size and mtime, and V8 itself rejects
// a cache made for other source or another V8. CLUSTERDECK_NO_COMPILE_CACHE=1 turns it off.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

/**
 * A short stable name for an installation's folder: 64-bit FNV-1a of its path. Not a secret and
 * not a defence (the cache folder's owner and mode are): only paths must not collide by chance.
 * node:crypto would do it too, but loading it costs every command ~5 ms.
 */
function rootKey(root) {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(root)) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

/** One folder per Node version and per installation (several checkouts must not evict each other). */
function cacheDir(root) {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const where = rootKey(root);
  return path.join(base, 'clusterdeck', `v8-${process.version}-${process.arch}`, where);
}

const entryName = (root, filename, st) => `${path.relative(root, filename).replace(/[\\/]/g, '_')}-${st.size}-${Math.floor(st.mtimeMs)}.v8`;

/** Drops the entries of files that changed or are gone (an older build's chunks). */
function prune(dir, root) {
  const current = new Set();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else if (e.name.endsWith('.js')) current.add(entryName(root, f, fs.statSync(f)));
    }
  };
  walk(root);
  for (const name of fs.readdirSync(dir)) if (name.endsWith('.v8') && !current.has(name)) fs.rmSync(path.join(dir, name), { force: true });
}

/** A folder of ours: created 0700, owned by this user, writable by nobody else. */
function ownDir(dir) {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.statSync(dir);
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return false;
    return (st.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function install(root) {
  if (process.env.CLUSTERDECK_NO_COMPILE_CACHE) return;
  const dir = cacheDir(root);
  if (!ownDir(dir)) return;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  const fresh = [];
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    if (!filename.startsWith(prefix)) return compile.call(this, content, filename);
    let key;
    let cached;
    try {
      const st = fs.statSync(filename);
      key = path.join(dir, entryName(root, filename, st));
      cached = fs.readFileSync(key);
    } catch {
      cached = undefined;
    }
    // A shebang is only valid at the very start of a script: keep the line, as a comment.
    const source = content.startsWith('#!') ? `//${content.slice(2)}` : content;
    const script = new vm.Script(Module.wrap(source), {
      filename,
      cachedData: cached,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (key && (!cached || script.cachedDataRejected)) fresh.push({ script, key });
    const fn = script.runInThisContext({ displayErrors: true });
    const mod = this;
    const require = (id) => mod.require(id);
    require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
    require.main = process.mainModule;
    require.cache = Module._cache;
    return fn.call(mod.exports, mod.exports, require, mod, filename, path.dirname(filename));
  };
  // At exit, so the cache also holds the functions this run compiled lazily (the command's path).
  process.once('exit', () => {
    if (fresh.length === 0) return;
    try {
      prune(dir, root); // only after a new build, the one time its entries are written
    } catch {
      /* a cache is optional */
    }
    for (const { script, key } of fresh) {
      try {
        const tmp = `${key}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, key);
      } catch {
        /* a cache is optional */
      }
    }
  });
}

module.exports = { install };
