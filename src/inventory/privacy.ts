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
