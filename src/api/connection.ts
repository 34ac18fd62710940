/** Where Flow is and which API key reads it: the one meaning of their defaults, for the client and flow-audit. */
import { missingToken } from "./errors";

/** The documented base URL for Flow Cloud customers. */
export const DEFAULT_FLOW_API_URL = "https://flow.pluralsight.com/v3/customer/core";

/** The base URL (not yet checked) and the API token a client uses. */
export interface FlowConnection {
  baseUrl: string;
  token: string;
}

/**
 * A given base URL wins, then FLOW_API_URL, then Flow Cloud; a given token wins, then
 * FLOW_API_TOKEN. No token is a FlowApiError (kind "config") naming `ways` to give one.
 */
export function flowConnection(
  given: { baseUrl?: string | undefined; token?: string | undefined },
  env: Record<string, string | undefined>,
  ways: string,
): FlowConnection {
  const token = given.token ?? env.FLOW_API_TOKEN;
  if (!token) throw missingToken(ways);
  return { baseUrl: given.baseUrl ?? env.FLOW_API_URL ?? DEFAULT_FLOW_API_URL, token };
}
