/**
 * The page's DOM writing, all of it: elements with `setAttribute`, text with text nodes (never
 * `innerHTML`), links only to http(s) URLs (`safeHref`), and the charts' SVG trees.
 */
import type { SvgNode } from "./chart";
import { safeHref } from "./data";

/** What `add` appends: elements, strings (as text), arrays of them; null, undefined and false are skipped. */
export type Child = Node | string | number | null | undefined | false | Child[];

/** An attribute value: true sets it empty; null, undefined and false leave it out. */
export type Attrs = Record<string, string | number | boolean | null | undefined>;

/** Appends children to parent: elements, strings (as text), arrays of them. */
export function add(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) add(parent, ...child);
    else parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

/** An element with attributes and children (strings become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : String(v));
  add(e, ...children);
  return e;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** The SVG elements of a chart's tree (chart.ts), attributes set one by one and text as text nodes. */
export function svgElement(node: SvgNode): SVGElement {
  const e = document.createElementNS(SVG_NS, node.tag);
  for (const [k, v] of Object.entries(node.attrs)) e.setAttribute(k, String(v));
  for (const child of node.children) e.appendChild(typeof child === "string" ? document.createTextNode(child) : svgElement(child));
  return e;
}

/** A link when the URL is http(s), else the text alone. */
export function link(url: unknown, text: string): HTMLElement {
  const href = safeHref(url);
  return href ? el("a", { href, rel: "noopener noreferrer", target: "_blank" }, text) : el("span", null, text);
}

/** A coloured label; its class is the value as a CSS-safe word. */
export function badge(text: string, cls: string): HTMLElement {
  const word = String(cls)
    .toLowerCase()
    .replace(/[^a-z]+/g, "-")
    .replace(/^-|-$/g, "");
  return el("span", { class: `badge ${word}` }, text);
}

/** A column heading: text, or text in a right-aligned number column. */
export type Head = string | { text: string; num: true };

/** A table of cells under the headings. */
export function table(head: readonly Head[], rows: readonly Child[][], opts?: { id?: string }): HTMLTableElement {
  const num = (h: Head | undefined) => (typeof h === "object" ? "num" : null);
  const th = head.map((h) => el("th", { class: num(h) }, typeof h === "object" ? h.text : h));
  const tr = rows.map((r) => el("tr", null, ...r.map((c, i) => el("td", { class: num(head[i]) }, c))));
  return el("table", { class: "grid", id: opts?.id }, el("thead", null, el("tr", null, th)), el("tbody", null, tr));
}

/** The page's section with this id, under its heading. */
export function section(id: string, title: string): HTMLElement {
  const s = byId(id);
  add(s, el("h2", null, title));
  return s;
}

/** An element the report's HTML has (a missing one is a bug of html.ts, named here). */
export function byId(id: string): HTMLElement {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the HTML report has no element #${id}`);
  return e;
}

/** Evidence's values as text: strings as they are, anything else as JSON. */
export function fmtValue(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
