import type { InventoryRecord, UserRef } from "../api/types";

/** "sam.former@example.com" → "s***@example.com" */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  return at > 0 ? `${email[0]}***${email.slice(at)}` : "***";
}

function maskUser(ref: UserRef | undefined): UserRef | undefined {
  if (!ref || typeof ref !== "object") return ref;
  const out: Record<string, unknown> = { ...ref };
  // avatar_url is a Gravatar URL: a hash of the email address, so as personal as the address.
  for (const k of ["name", "first_name", "last_name", "display_name", "full_name", "avatar_url"]) if (typeof out[k] === "string") out[k] = null;
  for (const k of ["email", "login_email"]) {
    const v = out[k];
    if (typeof v === "string") out[k] = maskEmail(v);
  }
  return out;
}

/**
 * Masks personal data (user names, emails, login emails and avatar URLs in created_by /
 * updated_by) so reports and snapshots carry user ids and active flags only. Returns new
 * records; the input is unchanged.
 */
export function maskPersonalData(records: InventoryRecord[]): InventoryRecord[] {
  return records.map((r) => ({
    ...r,
    integration: { ...r.integration, created_by: maskUser(r.integration.created_by), updated_by: maskUser(r.integration.updated_by) },
  }));
}

/** The environment variable that turns masking off for flow-audit and the policy pack alike. */
export const SHOW_PERSONAL_DATA_ENV = "FLOW_SHOW_PERSONAL_DATA";

/**
 * Whether FLOW_SHOW_PERSONAL_DATA asks to show personal data: `true`/`1`/`yes` show it,
 * unset, empty, `false`/`0`/`no` mask it. Any other value masks it too and comes back as a
 * `problem` to say (masking is the safe side of a typo).
 */
export function showPersonalDataFromEnv(env: Record<string, string | undefined>): { show: boolean; problem?: string } {
  const raw = env[SHOW_PERSONAL_DATA_ENV];
  const value = (raw ?? "").trim().toLowerCase();
  if (["true", "1", "yes"].includes(value)) return { show: true };
  if (["", "false", "0", "no"].includes(value)) return { show: false };
  return { show: false, problem: `${SHOW_PERSONAL_DATA_ENV}=${JSON.stringify(raw)} is not one of true, 1, yes, false, 0, no; personal data stays masked` };
}
