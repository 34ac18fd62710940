// Command pulumi-flow-gensdk writes Pulumi SDKs for a package schema with the code generators of
// github.com/pulumi/pulumi/pkg/v3 (the version the engine is built from), for machines where
// `pulumi package gen-sdk` cannot run because the language plugins it calls (pulumi-language-go,
// -python, …) cannot be had. It is built by tools/engine/bootstrap.mjs into the engine cache.
//
// Usage: pulumi-flow-gensdk [--language go,python,nodejs] [--out DIR] [--version V] SCHEMA.json
//
// Each language goes to DIR/<language> (default DIR: ./sdk), like `pulumi package gen-sdk --out DIR`.
// C# and Java are not offered: their generators live in pulumi-dotnet and pulumi-java, whose Go
// modules the module proxy used here does not serve.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-flow-gensdk"

// noReferences is the schema loader: a schema that refers to another package's types cannot be
// resolved without that package's plugin, which this tool does not run.
type noReferences struct{}

func (noReferences) err(name string) error {
	return fmt.Errorf("%s: the schema refers to package %q; only self-contained schemas are supported", tool, name)
}

func (l noReferences) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.err(pkg)
}

func (l noReferences) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.err(d.Name)
}

func (l noReferences) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.err(pkg)
}

func (l noReferences) LoadPackageReferenceV2(
	_ context.Context, d *schema.PackageDescriptor,
) (schema.PackageReference, error) {
	return nil, l.err(d.Name)
}

var generators = map[string]func(*schema.Package) (map[string][]byte, error){
	"go": func(pkg *schema.Package) (map[string][]byte, error) {
		return gogen.GeneratePackage(tool, pkg, nil)
	},
	"python": func(pkg *schema.Package) (map[string][]byte, error) {
		return python.GeneratePackage(tool, pkg, nil, noReferences{})
	},
	"nodejs": func(pkg *schema.Package) (map[string][]byte, error) {
		return nodejs.GeneratePackage(tool, pkg, nil, nil, true, noReferences{})
	},
}

func languages() string {
	names := make([]string, 0, len(generators))
	for name := range generators {
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

func run() error {
	langs := flag.String("language", languages(), "comma-separated languages to generate ("+languages()+")")
	out := flag.String("out", "sdk", "folder that receives one sub-folder per language")
	version := flag.String("version", "", "package version to write into the SDKs (default: the schema's)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: %s [flags] SCHEMA.json\n", tool)
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		return errors.New("exactly one schema file is expected")
	}

	raw, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", flag.Arg(0), err)
	}
	if *version != "" {
		spec.Version = *version
	}

	for _, lang := range strings.Split(*langs, ",") {
		generate, ok := generators[lang]
		if !ok {
			return fmt.Errorf("unsupported language %q (supported: %s)", lang, languages())
		}
		// Each generator imports its language section into the package, so bind afresh per language.
		pkg, diags, err := schema.BindSpec(spec, noReferences{}, schema.ValidationOptions{})
		if err != nil {
			return err
		}
		if diags.HasErrors() {
			return fmt.Errorf("%s: invalid schema: %s", flag.Arg(0), diags.Error())
		}
		files, err := generate(pkg)
		if err != nil {
			return fmt.Errorf("generating the %s SDK: %w", lang, err)
		}
		dir := filepath.Join(*out, lang)
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		for name, content := range files {
			target := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(target, content, 0o644); err != nil {
				return err
			}
		}
		fmt.Printf("%s: %d files in %s\n", lang, len(files), dir)
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", tool, err)
		os.Exit(1)
	}
}
