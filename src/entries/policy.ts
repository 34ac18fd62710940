/**
 * `pulumi-flow/policy`: the CrossGuard adapter. Needs `@pulumi/policy` (an optional peer
 * dependency): a pack's index.js calls its startFlowPolicyPack().
 */
export {
  DATA_POLICY,
  EXCEPTIONS_POLICY,
  exceptionNotice,
  flowPolicies,
  packPolicies,
  POLICY_FILE_POLICY,
  recordOf,
  startFlowPolicyPack,
  violationMessage,
} from "../policy/pack";
export type { FlowPoliciesOptions } from "../policy/pack";
export { CHUNK_TYPE, INTEGRATION_TYPE } from "../pulumi/type";
