// Builds what syncwright/cordova-browser serves next to an unmodified Cordova www/, into
// dist/cordova-browser/ (laid out as a built Cordova app's platform_www):
//
//   cordova.js                     the Cordova loader for a browser page (ui/cordova/cordova.ts)
//   cordova_plugins.js             the plugin list, with each module's clobbers
//   plugins/cordova-plugin-ms-azure-mobile-apps/www/MobileServices.Cordova.js
//                                  azure-mobile-apps-client 2.0.1 bundled from its own, unmodified
//                                  sources as its Gruntfile's `browserify:cordova` target does
//   plugins/cordova-sqlite-storage/www/SQLitePlugin.js, sql-wasm-browser.wasm
//                                  the sqlite plugin shim over sql.js's browser build, IndexedDB-backed
//   plugins/syncwright-recorder/www/recorder.js
//                                  reports the app's SDK calls to the Playwright fixture (idle without it)
//
// Runs in `npm run build` after build-ui.mjs. Same inputs, same bytes: no paths of this machine
// end up in the files (esbuild names inputs relative to the package root).
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist', 'cordova-browser');
const require = createRequire(import.meta.url);
const SDK_PACKAGE = dirname(require.resolve('azure-mobile-apps-client/package.json'));
const SQL_JS_DIST = dirname(require.resolve('sql.js/dist/sql-wasm-browser.js'));

/** The plugin list: ids, files and clobbers as the real plugins' plugin.xml declare them. */
export const PLUGIN_LIST = [
  {
    id: 'cordova-sqlite-storage.SQLitePlugin',
    file: 'plugins/cordova-sqlite-storage/www/SQLitePlugin.js',
    pluginId: 'cordova-sqlite-storage',
    clobbers: ['SQLitePlugin'],
  },
  {
    id: 'cordova-plugin-ms-azure-mobile-apps.AzureMobileServices',
    file: 'plugins/cordova-plugin-ms-azure-mobile-apps/www/MobileServices.Cordova.js',
    pluginId: 'cordova-plugin-ms-azure-mobile-apps',
    clobbers: ['WindowsAzure'],
  },
  {
    id: 'syncwright-recorder.recorder',
    file: 'plugins/syncwright-recorder/www/recorder.js',
    pluginId: 'syncwright-recorder',
    runs: true,
  },
];

const COMMON = {
  absWorkingDir: ROOT,
  bundle: true,
  write: false,
  platform: 'browser',
  target: 'es2020',
  charset: 'utf8',
  logLevel: 'warning',
  legalComments: 'inline',
  // The page modules set `module.exports` of the cordova.define wrapper they run in.
  logOverride: { 'commonjs-variable-in-esm': 'silent' },
};

/** A module body as Cordova's prepare step wraps each plugin file. */
function cordovaModule(id, body) {
  return `cordova.define(${JSON.stringify(id)}, function (require, exports, module) {\n${body}\n});\n`;
}

/**
 * The SDK as the Cordova plugin ships it: the Gruntfile's cordova target browserifies
 * sdk/src/Platform/cordova/MobileServiceSqliteStore.js and sdk/src/index.js (its file list says
 * `Platforms/`, the package's folder is `Platform/`) with `standalone: 'WindowsAzure'`, so the
 * plugin module's exports are index.js's.
 *
 * Browserify's output is every module's source verbatim inside a function(require, module,
 * exports) of a module table, with Node's util, assert, stream (and the events and buffer that
 * stream needs) swapped for its browser packages, and `global`, `process` and `Buffer` passed
 * in. That is what this writes: esbuild only resolves the graph (its metafile names each
 * require and the file it resolved to); the sources are copied, never rewritten — esbuild's own
 * output renames shadowing names, and azure-query-js reads its AST node types from
 * `fn.toString()`. node-uuid's `require('crypto')` sits in a branch that only runs without
 * `window` (browserify would bundle crypto-browserify for it): here it is an empty module.
 */
async function buildSdk() {
  const emptyCrypto = {
    name: 'empty-crypto',
    setup(build) {
      build.onResolve({ filter: /^crypto$/ }, () => ({ path: 'crypto', namespace: 'empty' }));
      build.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: '', loader: 'js' }));
    },
  };
  // The Gruntfile's two entry files, as one module of ours (written below, never read from disk).
  const ENTRY_NAME = 'syncwright-cordova-entry.js';
  const entrySource = [
    "require('./Platform/cordova/MobileServiceSqliteStore.js');",
    "module.exports = require('./index.js');",
  ].join('\n');
  const shims = { process: 'process/browser.js', Buffer: 'buffer/' };
  const result = await esbuild.build({
    ...COMMON,
    stdin: {
      contents: `${entrySource}\nrequire(${JSON.stringify(shims.process)});\nrequire(${JSON.stringify(shims.Buffer)});`,
      resolveDir: join(SDK_PACKAGE, 'sdk', 'src'),
      sourcefile: ENTRY_NAME,
      loader: 'js',
    },
    format: 'cjs',
    alias: { util: 'util/', assert: 'assert/', stream: 'stream-browserify', events: 'events/', buffer: 'buffer/' },
    plugins: [emptyCrypto],
    metafile: true,
  });
  const inputs = result.metafile.inputs;
  const paths = Object.keys(inputs).sort();
  const ENTRY = paths.find((path) => path.endsWith(`/${ENTRY_NAME}`));
  const ids = new Map(paths.map((path, i) => [path, i]));
  const entries = [];
  for (const path of paths) {
    let source;
    if (path === ENTRY) source = entrySource;
    else if (path.startsWith('empty:')) source = '';
    else {
      source = (await readFile(join(ROOT, path), 'utf8')).replace(/^\uFEFF/, '').replace(/^#!.*/, '');
      if (path.endsWith('.json')) source = `module.exports = ${source.trim()};`;
    }
    const deps = {};
    for (const imported of inputs[path].imports) {
      if (imported.original === undefined || !ids.has(imported.path)) continue;
      deps[imported.original] = ids.get(imported.path);
    }
    entries.push(
      `${JSON.stringify(ids.get(path))}: [function (require, module, exports, global, process, Buffer) {\n// ${path}\n${source}\n}, ${JSON.stringify(deps)}]`,
    );
  }
  const entryDeps = inputs[ENTRY].imports;
  const shimId = (name) => ids.get(entryDeps.find((imported) => imported.original === name).path);
  const version = JSON.parse(await readFile(join(SDK_PACKAGE, 'package.json'), 'utf8')).version;
  const text = [
    `// azure-mobile-apps-client ${version}, its sources unmodified, in a module table as browserify packs one`,
    '// (written by syncwright scripts/build-cordova.mjs).',
    'module.exports = (function (modules, entry, processId, bufferId) {',
    '  var cache = {};',
    "  var globalObject = typeof window !== 'undefined' ? window : self;",
    '  var shims = {};',
    '  function load(id) {',
    '    if (cache[id]) return cache[id].exports;',
    '    var module = (cache[id] = { exports: {} });',
    '    var deps = modules[id][1];',
    '    function require(name) {',
    '      if (!Object.prototype.hasOwnProperty.call(deps, name)) {',
    '        var error = new Error("Cannot find module \'" + name + "\'");',
    "        error.code = 'MODULE_NOT_FOUND';",
    '        throw error;',
    '      }',
    '      return load(deps[name]);',
    '    }',
    '    modules[id][0].call(module.exports, require, module, module.exports, globalObject, shims.process, shims.Buffer);',
    '    return module.exports;',
    '  }',
    '  shims.process = load(processId);',
    '  shims.Buffer = load(bufferId).Buffer;',
    '  return load(entry);',
    '})({',
    entries.join(',\n'),
    `}, ${ids.get(ENTRY)}, ${shimId(shims.process)}, ${shimId(shims.Buffer)});`,
  ].join('\n');
  return { text, inputs: paths };
}

/** A page module of ui/cordova/, as one script that runs inside its cordova.define wrapper. */
async function buildPageModule(entry) {
  const result = await esbuild.build({ ...COMMON, entryPoints: [entry], format: 'iife', metafile: true });
  return { text: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs) };
}

/** No absolute path of this machine may reach a served file. */
function checkNoMachinePaths(name, text) {
  for (const marker of [ROOT, ROOT.replace(/\/$/, '')])
    if (marker.length > 1 && text.includes(marker)) throw new Error(`build-cordova: ${name} holds the path ${marker}`);
}

async function main() {
  const [sdk, sqlite, recorder, loader] = await Promise.all([
    buildSdk(),
    buildPageModule('ui/cordova/sqlite-storage.ts'),
    buildPageModule('ui/cordova/recorder.ts'),
    buildPageModule('ui/cordova/cordova.ts'),
  ]);
  const files = new Map([
    ['cordova.js', loader.text],
    [
      'cordova_plugins.js',
      `cordova.define('cordova/plugin_list', function (require, exports, module) {\nmodule.exports = ${JSON.stringify(PLUGIN_LIST, null, 2)};\n});\n`,
    ],
    [PLUGIN_LIST[0].file, cordovaModule(PLUGIN_LIST[0].id, sqlite.text)],
    [PLUGIN_LIST[1].file, cordovaModule(PLUGIN_LIST[1].id, sdk.text)],
    [PLUGIN_LIST[2].file, cordovaModule(PLUGIN_LIST[2].id, recorder.text)],
  ]);
  await rm(OUT, { recursive: true, force: true });
  for (const [name, text] of files) {
    checkNoMachinePaths(name, text);
    const file = join(OUT, name);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text, 'utf8');
  }
  await copyFile(
    join(SQL_JS_DIST, 'sql-wasm-browser.wasm'),
    join(OUT, 'plugins/cordova-sqlite-storage/www/sql-wasm-browser.wasm'),
  );
  const sdkInputs = sdk.inputs.filter((input) => input.includes('azure-mobile-apps-client/')).length;
  console.log(
    `build-cordova: wrote ${relative(ROOT, OUT)}/ (the SDK from ${sdkInputs} of its source files, ${sdk.inputs.length} modules in all)`,
  );
}

await main();
