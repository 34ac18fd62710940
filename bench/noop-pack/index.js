// Benchmark baseline: the cheapest possible CrossGuard pack (one resource policy that returns
// at once), to separate what the engine charges per resource for any pack from what
// pulumi-flow's rules cost.
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("noop", {
  policies: [{ name: "noop", description: "Checks that nothing is done.", enforcementLevel: "advisory", validateResource: () => undefined }],
});
