/**
 * Reading a DRF listing completely, or not at all. Offset paging over a list that changes
 * while it is read skips or repeats records; a lying server can claim any `count` and chain
 * `next` links forever. A listing is accepted only when it is consistent: no id twice, as many
 * records as `count` says, `count` the same on every page, and no more pages than `count`
 * implies (plus a margin). An inconsistent pass is read again from the start (a few times);
 * if it stays inconsistent the read fails — a gate never passes over an inventory known to be
 * incomplete, and duplicate ids never become duplicate resources. A listing streamed page by
 * page (streamListing) has the same checks but is not read again: it fails at the first
 * inconsistency, after the records already yielded.
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

/** Why a page cannot be taken: more records than maxRecords allows (thrown), or an id seen before (returned). */
function checkPage(page: IntegrationList, pages: number, ids: Set<number>, read: number, o: ListingOptions): string | undefined {
  if (o.maxRecords !== undefined && (read + page.results.length > o.maxRecords || (page.count ?? 0) > o.maxRecords)) {
    throw new FlowApiError({
      kind: "validation",
      operation: o.operation,
      summary: `the listing holds more than ${o.maxRecords} integrations (maxRecords, FLOW_API_MAX_RECORDS), far more than any Flow tenant; refusing to read more, so the read is incomplete`,
      detail: `${read + page.results.length} read by page ${pages}${page.count !== undefined ? `; \`count\` says ${page.count}` : ""}`,
    });
  }
  for (const item of page.results) {
    if (ids.has(item.id)) return `integration ${item.id} appeared twice`;
    ids.add(item.id);
  }
  return undefined;
}

/**
 * One pass from the first page to the last: yields each page's records once the page is checked
 * (no record of a page with an id seen before), and returns the first inconsistency, or
 * undefined when the pass is consistent. A pass is consistent only once it has returned.
 */
async function* pass(read: PageReader, o: ListingOptions): AsyncGenerator<Integration[], string | undefined> {
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
      return `\`count\` changed from ${firstCount ?? "absent"} to ${page.count ?? "absent"} on page ${pages}`;
    }
    const duplicate = checkPage(page, pages, ids, ids.size, o);
    if (duplicate) return duplicate;
    yield page.results;
    const next = nextParams(page, o, seen);
    if (!next) break;
    if ("loop" in next) return `the \`next\` link repeats an earlier page (${next.loop})`;
    if (page.results.length === 0) return "an empty page carries a `next` link";
    if (pages >= maxPages) {
      return firstCount !== undefined
        ? `more pages than \`count\` ${firstCount} implies (${pages} read, \`next\` still set)`
        : `more than ${MAX_PAGES_WITHOUT_COUNT} pages`;
    }
    params = next;
  }
  if (firstCount !== undefined && ids.size !== firstCount) return `\`count\` says ${firstCount} but the pages held ${ids.size}`;
  return undefined;
}

/** The error of a listing that stayed inconsistent. */
function inconsistent(o: ListingOptions, why: string, problems: string[]): FlowApiError {
  return new FlowApiError({
    kind: "inconsistent",
    operation: o.operation,
    summary: `the list of integrations changed (or contradicted itself) while it was read, ${why}, so the inventory cannot be trusted to be complete`,
    detail: problems.join("; "),
  });
}

/**
 * Every record of a listing, from a consistent pass. Reads the listing again (up to
 * MAX_LISTING_PASSES passes) while it is inconsistent, then fails naming what was wrong.
 */
export async function readListing(read: PageReader, o: ListingOptions): Promise<Integration[]> {
  const problems: string[] = [];
  for (let n = 1; n <= MAX_LISTING_PASSES; n++) {
    const records: Integration[] = [];
    const pages = pass(read, o);
    let step = await pages.next();
    for (; !step.done; step = await pages.next()) for (const record of step.value) records.push(record);
    if (step.value === undefined) return records;
    problems.push(`pass ${n}: ${step.value}`);
  }
  throw inconsistent(o, `${MAX_LISTING_PASSES} times in a row`, problems);
}

/**
 * The records of one pass over a listing, page by page as the pages arrive. An inconsistent pass
 * is not read again (its records were already yielded): the iteration ends with the error
 * instead, after the records already yielded, so only a completed iteration read a consistent
 * listing.
 */
export async function* streamListing(read: PageReader, o: ListingOptions): AsyncGenerator<Integration> {
  const pages = pass(read, o);
  let step = await pages.next();
  for (; !step.done; step = await pages.next()) yield* step.value;
  if (step.value !== undefined) throw inconsistent(o, "and a listing read page by page is not read again", [step.value]);
}
