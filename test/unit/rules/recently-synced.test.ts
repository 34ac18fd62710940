import { describe, expect, it } from "vitest";
import { recentlySynced } from "../../../src/rules/index";
import { healthy, published, run } from "./fixtures";

describe("flow-integration-recently-synced", () => {
  it("accepts a sync a day ago", () => {
    expect(run(recentlySynced, healthy()).status).toBe("ok");
  });
  it("is not applicable to the published example (no repositories, never synced)", () => {
    const f = run(recentlySynced, { integration: published() });
    expect(f.status).toBe("not-applicable");
    expect(f.message).toContain("has no repositories to sync");
  });
  it("flags a last sync older than maxAgeDays, with its age", () => {
    const f = run(recentlySynced, healthy({ source_projects_last_updated: "2026-05-25T12:00:00.000000" }));
    expect(f.status).toBe("violation");
    expect(f.message).toContain("last synced its projects 21 days ago (2026-05-25T12:00:00.000Z)");
    expect(f.evidence.ageDays).toBe(21);
  });
  it("reads a naive timestamp as UTC, and accepts one with an offset", () => {
    // 11:00 UTC is 25 h before NOW; read as local time on a machine east of UTC it would be less.
    expect(run(recentlySynced, healthy({ source_projects_last_updated: "2026-06-14T11:00:00" }), { maxAgeDays: 1 }).status).toBe("violation");
    expect(run(recentlySynced, healthy({ source_projects_last_updated: "2026-06-14T13:00:00" }), { maxAgeDays: 1 }).status).toBe("ok");
    expect(run(recentlySynced, healthy({ source_projects_last_updated: "2026-06-14T13:00:00+02:00" }), { maxAgeDays: 1 }).status).toBe("violation");
  });
  it("says one day and one hour in the singular", () => {
    // NOW is 2026-06-15T12:00Z: 25 h earlier is "1 day" old, beyond a limit of "1 day".
    const f = run(recentlySynced, healthy({ source_projects_last_updated: "2026-06-14T11:00:00" }), { maxAgeDays: 1 });
    expect(f.message).toContain("last synced its projects 1 day ago (2026-06-14T11:00:00.000Z), more than the allowed 1 day.");
    const h = run(recentlySynced, healthy({ source_projects_last_updated: "2026-06-15T11:00:00" }), { maxAgeDays: 0.01 });
    expect(h.message).toContain("last synced its projects 1 hour ago");
  });
  it("honours a configured maxAgeDays", () => {
    expect(run(recentlySynced, healthy({ source_projects_last_updated: "2026-05-25T12:00:00.000000" }), { maxAgeDays: 30 }).status).toBe("ok");
    expect(run(recentlySynced, healthy(), { maxAgeDays: 0.5 }).status).toBe("violation");
  });
  it("flags repositories that never synced", () => {
    expect(run(recentlySynced, healthy({ source_projects_last_updated: null })).status).toBe("violation");
  });
  it("is not applicable when it is unknown whether there are repositories", () => {
    expect(run(recentlySynced, healthy({ has_repos: null })).status).toBe("not-applicable");
  });
  it("is an error naming the field for a value that is not a timestamp", () => {
    const f = run(recentlySynced, healthy({ source_projects_last_updated: "last tuesday" }));
    expect(f.status).toBe("error");
    expect(f.message).toContain(
      'source_projects_last_updated ($.source_projects_last_updated) is a string ("last tuesday"); expected a date-time such as 2024-03-20T22:09:54.828795 or null',
    );
  });
});
