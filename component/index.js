// The plugin of pulumi-flow's component package `flow`: serves the package's schema, the
// flow:index:Integrations component and its children to the engine (src/pulumi/package/). It runs
// the package's build output beside this folder (`npm run build` in a clone of the repository).
const { servePackage } = require("../dist/pulumi/package/provider.js");
const { version } = require("./package.json");

module.exports = servePackage(version, process.argv.slice(2));
