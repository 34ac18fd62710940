/** Where the HTML report's page script is bundled. */
export declare const PAGE_SCRIPT: string;
/** Bundles src/cli/reporters/html/page.ts into one classic script. */
export declare function bundlePage(outfile?: string): Promise<void>;
