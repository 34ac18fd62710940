/** The type token policies see for one integration resource: pulumi-nodejs:dynamic/flow:Integration. */
export const INTEGRATION_TYPE = "pulumi-nodejs:dynamic/flow:Integration";
