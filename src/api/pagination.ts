/**
 * Reading a DRF listing completely, or not at all. Offset paging over a list that changes
 * while it is read skips or repeats records; a lying server can claim any `count` and chain
 * `next` links forever. A listing is accepted only when it is consistent: no id twice, as many
 * records as `count` says, `count` the same on every page, and no more pages than `count`
 * implies (plus a margin). An inconsistent pass is read again from the start (a few times);
 * if it stays inconsistent the read fails — a gate never passes over an inventory known to be
 * incomplete, and duplicate ids never become duplicate resources.
 */
import { FlowApiError } from "./errors";
import { ingestText } from "./ingest";
import type { Integration, IntegrationList } from "./types";

/** Full passes over a listing before an inconsistent one is reported as an error. */
export const MAX_LISTING_PASSES = 3;
/** Pages beyond what `count` implies that are tolerated (servers may split pages unevenly). */
export const PAGE_MARGIN = 2;
/** The most pages read when the server sends no `count` at all. */
export const MAX_PAGES_WITHOUT_COUNT = 10_000;

/** Reads one page for the given query parameters. */
export type PageReader = (params: Record<string, string | number>) => Promise<IntegrationList>;

interface Pass {
  records: Integration[];
  /** Why the pass cannot be trusted; undefined when it is consistent. */
  inconsistency?: string;
}

/** Options of readListing. */
export interface ListingOptions {
  base: URL;
  token: string;
  operation: string;
  first: Record<string, string | number>;
  /** Most records a listing may hold; past it the read stops with an error (default: no limit). */
  maxRecords?: number;
}

function nextParams(page: IntegrationList, o: ListingOptions, seen: Set<string>): Record<string, string> | undefined {
  if (!page.next) return undefined;
  let next: URL;
  try {
    next = new URL(page.next, o.base);
  } catch {
    throw new FlowApiError({
      kind: "validation",
      operation: o.operation,
      summary: "the `next` link is not a URL",
      path: "$.next",
      detail: ingestText(page.next, o.token, 120),
    });
  }
  if (next.origin !== o.base.origin) {
    throw new FlowApiError({
      kind: "foreign-origin",
      operation: o.operation,
      summary: `refusing to follow a \`next\` link to ${ingestText(next.origin, o.token, 100)}: the API token is only sent to ${o.base.origin}`,
      path: "$.next",
    });
  }
  if (seen.has(next.search)) return { loop: ingestText(next.pathname + next.search, o.token, 120) };
  seen.add(next.search);
  return Object.fromEntries(next.searchParams.entries());
}

/** One pass from the first page to the last, noting the first inconsistency. */
async function readPass(read: PageReader, o: ListingOptions): Promise<Pass> {
  const records: Integration[] = [];
  const ids = new Set<number>();
  const seen = new Set<string>();
  let params: Record<string, string | number> = o.first;
  let firstCount: number | undefined;
  let maxPages = MAX_PAGES_WITHOUT_COUNT;
  for (let pages = 1; ; pages++) {
    const page = await read(params);
    if (pages === 1 && page.count !== undefined) {
      firstCount = page.count;
      maxPages = Math.ceil(page.count / Math.max(1, page.results.length)) + PAGE_MARGIN;
    } else if (page.count !== firstCount) {
      return { records, inconsistency: `\`count\` changed from ${firstCount ?? "absent"} to ${page.count ?? "absent"} on page ${pages}` };
    }
    if (o.maxRecords !== undefined && (records.length + page.results.length > o.maxRecords || (page.count ?? 0) > o.maxRecords)) {
      throw new FlowApiError({
        kind: "validation",
        operation: o.operation,
        summary: `the listing holds more than ${o.maxRecords} integrations (maxRecords, FLOW_API_MAX_RECORDS), far more than any Flow tenant; refusing to read more, so the read is incomplete`,
        detail: `${records.length + page.results.length} read by page ${pages}${page.count !== undefined ? `; \`count\` says ${page.count}` : ""}`,
      });
    }
    for (const item of page.results) {
      if (ids.has(item.id)) return { records, inconsistency: `integration ${item.id} appeared twice` };
      ids.add(item.id);
      records.push(item);
    }
    const next = nextParams(page, o, seen);
    if (!next) break;
    if ("loop" in next) return { records, inconsistency: `the \`next\` link repeats an earlier page (${next.loop})` };
    if (page.results.length === 0) return { records, inconsistency: "an empty page carries a `next` link" };
    if (pages >= maxPages) {
      return {
        records,
        inconsistency:
          firstCount !== undefined
            ? `more pages than \`count\` ${firstCount} implies (${pages} read, \`next\` still set)`
            : `more than ${MAX_PAGES_WITHOUT_COUNT} pages`,
      };
    }
    params = next;
  }
  if (firstCount !== undefined && records.length !== firstCount) {
    return { records, inconsistency: `\`count\` says ${firstCount} but the pages held ${records.length}` };
  }
  return { records };
}

/**
 * Every record of a listing, from a consistent pass. Reads the listing again (up to
 * MAX_LISTING_PASSES passes) while it is inconsistent, then fails naming what was wrong.
 */
export async function readListing(read: PageReader, o: ListingOptions): Promise<Integration[]> {
  const problems: string[] = [];
  for (let pass = 1; pass <= MAX_LISTING_PASSES; pass++) {
    const result = await readPass(read, o);
    if (result.inconsistency === undefined) return result.records;
    problems.push(`pass ${pass}: ${result.inconsistency}`);
  }
  throw new FlowApiError({
    kind: "inconsistent",
    operation: o.operation,
    summary: `the list of integrations changed (or contradicted itself) while it was read, ${MAX_LISTING_PASSES} times in a row, so the inventory cannot be trusted to be complete`,
    detail: problems.join("; "),
  });
}
