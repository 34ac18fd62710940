// The pulumi-flow CrossGuard pack: `pulumi preview --policy-pack ./policies`.
// Plain JavaScript on purpose: the pack starts without a TypeScript compiler (faster, leaner).
// Rules live in pulumi-flow's src/rules/; enforcement, parameters and exceptions come from the
// policy file (FLOW_POLICY_FILE, else flow-policy.yaml in the directory pulumi runs in, else
// here), and --policy-pack-config overrides enforcement and parameters.
require("pulumi-flow/policy").startFlowPolicyPack("pulumi-flow");
