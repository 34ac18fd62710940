//go:build tools

// Package yaml pins the Pulumi YAML language host so `go build github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml`
// works from this module, against the same Pulumi SDK as the engine (tools/engine/go).
package yaml

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
