// Runs before `npm start`, `npm test`, `npm run dev|sim|db:*` (their npm "pre" scripts), in whatever
// Node runs npm scripts. `npm install` brings the Node that Gantry needs itself: the `node` package,
// pinned in optionalDependencies, puts a Node 24 binary in node_modules/.bin, which npm puts first on
// PATH for every script. Where that package could not install (a platform it has no binary for), the
// system's Node runs the scripts instead; if that one is too old, this says so before anything else
// is printed, instead of a build error deep inside Next.js.
//
// Plain CommonJS and old syntax on purpose: it must run, and explain, on any Node a machine has.
'use strict';
var fs = require('fs');
var path = require('path');

var root = path.resolve(__dirname, '..');
var wanted = fs.readFileSync(path.join(root, '.nvmrc'), 'utf8').trim();
var wantedMajor = parseInt(wanted, 10);
var major = parseInt(process.versions.node.split('.')[0], 10);

if (major < wantedMajor) {
  var bundled = path.join(root, 'node_modules', 'node', 'bin', 'node');
  var why = fs.existsSync(path.join(root, 'node_modules'))
    ? fs.existsSync(bundled)
      ? "The project's own Node is installed at " +
        bundled +
        ' but did not run: start Gantry with `npm start`, not `node` directly.'
      : "npm install could not install the project's own Node (the `node` package) for " +
        process.platform +
        '-' +
        process.arch +
        '.'
    : "Run `npm install` first: it brings the project's own Node " + wanted + '.';
  console.error(
    [
      '',
      'Gantry needs Node.js ' + wanted + ' (found ' + process.version + ' at ' + process.execPath + ').',
      why,
      'Install Node.js ' +
        wanted +
        ' LTS (https://nodejs.org/en/download, or `nvm install` in this folder, which reads .nvmrc),',
      'then run `npm install` and the command again.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}
