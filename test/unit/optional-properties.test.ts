import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// Consumers that compile with `exactOptionalPropertyTypes` may only pass `undefined` to an
// optional property declared `?: T | undefined`; `chunks: config.getNumber("chunks")` (a
// `number | undefined`) is the common case. So every optional property of the argument and
// option types the public entry points export says `| undefined`. (This repository does not
// compile with the flag, so nothing here would catch a missing one; the consumer type check in
// test/integration/consumer/typescript.test.ts does, for the calls its fixtures make.)
const repo = path.resolve(__dirname, "..", "..");
const ENTRIES = ["src/index.ts", "src/entries/rules.ts", "src/entries/policy.ts", "src/entries/simulator.ts"];
/** Exported interfaces a caller fills in: arguments, options, the context of judge(). */
const isInput = (name: string) => /(Args|Options)$/.test(name) || name === "JudgeContext";

describe("the argument and option types of the public entry points", () => {
  it("declare each optional property `| undefined`, for consumers with exactOptionalPropertyTypes", () => {
    const program = ts.createProgram(
      ENTRIES.map((e) => path.join(repo, e)),
      {
        strict: true,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        target: ts.ScriptTarget.ES2022,
        noEmit: true,
        types: ["node"],
        skipLibCheck: true,
      },
    );
    const checker = program.getTypeChecker();
    const checked = new Set<string>();
    const missing: string[] = [];
    for (const entry of ENTRIES) {
      const source = program.getSourceFile(path.join(repo, entry));
      const moduleSymbol = source && checker.getSymbolAtLocation(source);
      expect(moduleSymbol, entry).toBeDefined();
      for (const exported of checker.getExportsOfModule(moduleSymbol!)) {
        const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        if (!isInput(exported.name) || checked.has(exported.name)) continue;
        const declarations = (symbol.declarations ?? []).filter(ts.isInterfaceDeclaration);
        if (declarations.length === 0) continue;
        checked.add(exported.name);
        // Every property, inherited ones included (GetIntegrationsArgs extends FlowConnectionArgs).
        for (const property of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
          for (const decl of property.declarations ?? []) {
            if (!ts.isPropertySignature(decl) || !decl.questionToken || !decl.type) continue;
            const t = decl.type;
            if (ts.isUnionTypeNode(t) && t.types.some((u) => u.kind === ts.SyntaxKind.UndefinedKeyword)) continue;
            missing.push(`${exported.name}.${property.name} (${path.relative(repo, decl.getSourceFile().fileName)})`);
          }
        }
      }
    }
    // The ones adopters pass most: the stack functions' arguments and the client's options.
    for (const name of [
      "FlowIntegrationsArgs",
      "GetIntegrationsOutputArgs",
      "FlowConnectionArgs",
      "FlowClientOptions",
      "FlowPoliciesOptions",
      "FlowSimulatorOptions",
    ])
      expect(checked, name).toContain(name);
    expect(missing).toEqual([]);
  });
});
