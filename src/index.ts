/**
 * pulumi-flow: Appfire Flow integrations as Pulumi state, and a CrossGuard policy pack over them.
 * The public API grows here as the API client, data sources and rules land.
 */

/** The package version, as published. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const version: string = require("../package.json").version;
