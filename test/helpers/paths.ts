import * as path from "node:path";

/** Repository root (where node_modules and dist live). */
export const repoRoot = path.resolve(__dirname, "..", "..");
