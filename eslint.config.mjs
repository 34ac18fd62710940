// ESLint: typescript-eslint's type-aware rules on src/ (the shipped code), its syntactic rules
// on tests, scripts, benchmarks and example programs. Formatting is Prettier's (npm run format:check).
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["dist/**", "node_modules/**", ".work/**", ".test-results/**", "src/api/schema.ts", "bench/results/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["src/**/*.ts"],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Server data is `unknown` and checked where it is used; these flag the checks themselves.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true, allowNullish: true }],
    },
  },
  {
    // The HTML report's page runs in the browser (bundled into one classic script by
    // scripts/bundle-page.mjs); its type-aware rules use its own tsconfig.json (lib dom).
    files: ["src/cli/reporters/html/*.ts"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // CommonJS by design: policy packs, the component package's plugin and the bench floor program start without a compiler;
    // test preloads run with node -r; the component-package fixture is a program written as any language's SDK would register it.
    files: ["**/*.cjs", "policies/**/*.js", "component/**/*.js", "bench/noop-pack/**/*.js", "bench/floor/**/*.js", "test/e2e/fixtures/component-js/**/*.js"],
    languageOptions: { sourceType: "commonjs" },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
