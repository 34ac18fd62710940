import { bundlePage } from "../../scripts/bundle-page.mjs";

/**
 * The unit project's global setup: bundles the HTML report's page from its sources into dist/ (as
 * `npm run build` does), so the reports the unit tests render from src/ embed the current page.
 */
export default async function setup(): Promise<void> {
  await bundlePage();
}
