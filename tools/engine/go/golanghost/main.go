// Command pulumi-language-go is pulumi-flow's minimal Go language host.
//
// The upstream Go language host lives in its own module
// (github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3), which the Go module proxy
// reachable from our build machines does not serve, so the engine bootstrap builds this
// one instead (`--with go`). It implements what the engine needs to run a Go program:
// Run builds the program's folder with `go build` into a temporary binary (or runs the
// prebuilt binary named by the `binary` runtime option) and starts it with the
// environment the Go SDK's pulumi.Run reads (PULUMI_MONITOR, PULUMI_ENGINE, PULUMI_PROJECT,
// …; see sdk/v3/go/pulumi/run.go). InstallDependencies runs `go mod download`. Plugins are
// not discovered from the program: list local ones in Pulumi.yaml (`plugins:`).
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"pulumi-flow.local/engine/hostkit"
)

func main() {
	flag.String("tracing", "", "Zipkin-compatible tracing endpoint (accepted for the engine; not used)")
	binaryFlag := flag.String("binary", "", "a prebuilt program binary to run instead of building the program")
	showVersion := hostkit.Flags()
	flag.Parse()
	if *showVersion {
		hostkit.PrintVersion()
		return
	}
	hostkit.Serve(func(engineAddress string) pulumirpc.LanguageRuntimeServer {
		return &languageHost{Base: hostkit.Base{EngineAddress: engineAddress}, binary: *binaryFlag}
	})
}

// languageHost implements pulumirpc.LanguageRuntimeServer for Go programs.
type languageHost struct {
	hostkit.Base
	binary string
}

// programBinary is the `binary` runtime option of Pulumi.yaml (or the -binary flag), if set.
func (h *languageHost) programBinary(info *pulumirpc.ProgramInfo) (string, error) {
	if info != nil && info.Options != nil {
		if v, ok := info.Options.AsMap()["binary"]; ok {
			s, isString := v.(string)
			if !isString {
				return "", errors.New("runtime option 'binary' must be a string")
			}
			if s != "" {
				return s, nil
			}
		}
	}
	return h.binary, nil
}

func goBinary() (string, error) {
	bin, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("could not find go on the PATH: a Go program is built with `go build` before it runs")
	}
	return bin, nil
}

// goEnv is the environment of a `go` command: ours, with GOTOOLCHAIN=local unless set.
func goEnv(extra ...string) []string {
	env := os.Environ()
	if os.Getenv("GOTOOLCHAIN") == "" {
		env = append(env, "GOTOOLCHAIN=local")
	}
	return append(env, extra...)
}

// needsModMod tells whether `go build` failed only because the module files are incomplete
// (go.sum entries missing, go.mod needing updates), which -mod=mod resolves from the module cache.
func needsModMod(out string) bool {
	for _, s := range []string{"missing go.sum entry", "updates to go.mod needed", "go: inconsistent vendoring", "-mod=mod"} {
		if strings.Contains(out, s) {
			return true
		}
	}
	return false
}

// build compiles the program in dir (package target) into a fresh temporary folder and returns
// the binary and a cleanup function. Without a GOFLAGS of the caller's, -mod=mod is used only
// when the program's module needs it.
func build(ctx context.Context, dir, target string) (string, func(), error) {
	goBin, err := goBinary()
	if err != nil {
		return "", nil, err
	}
	tmp, err := os.MkdirTemp("", "pulumi-go-program-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { _ = os.RemoveAll(tmp) }
	out := filepath.Join(tmp, "program")
	run := func(extra ...string) (string, error) {
		cmd := exec.CommandContext(ctx, goBin, "build", "-o", out, target)
		cmd.Dir = dir
		cmd.Env = goEnv(extra...)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		err := cmd.Run()
		return buf.String(), err
	}
	output, err := run()
	if err != nil && os.Getenv("GOFLAGS") == "" && needsModMod(output) {
		output, err = run("GOFLAGS=-mod=mod")
	}
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("`go build %s` failed in %s: %w\n%s", target, dir, err, strings.TrimSpace(output))
	}
	return out, cleanup, nil
}

func (h *languageHost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	goBin, err := goBinary()
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(goBin, "env", "GOVERSION").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: goBin, Version: strings.TrimSpace(string(out))}, nil
}

// InstallDependencies runs `go mod download` in the program's folder (for `pulumi install`);
// its output streams back to the engine.
func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetDirectory() //nolint:staticcheck // older engines send only the deprecated field
	}
	goBin, err := goBinary()
	if err != nil {
		return err
	}
	var mu sync.Mutex
	send := func(resp *pulumirpc.InstallDependenciesResponse) error {
		mu.Lock()
		defer mu.Unlock()
		return server.Send(resp)
	}
	cmd := exec.CommandContext(server.Context(), goBin, "mod", "download")
	cmd.Dir = dir
	cmd.Env = goEnv()
	cmd.Stdout = writerFunc(func(b []byte) error { return send(&pulumirpc.InstallDependenciesResponse{Stdout: b}) })
	cmd.Stderr = writerFunc(func(b []byte) error { return send(&pulumirpc.InstallDependenciesResponse{Stderr: b}) })
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("`go mod download` failed in %s: %w", dir, err)
	}
	return nil
}

// writerFunc adapts a function to io.Writer; each Write is sent on as one message.
type writerFunc func([]byte) error

func (f writerFunc) Write(b []byte) (int, error) {
	if err := f(append([]byte(nil), b...)); err != nil {
		return 0, err
	}
	return len(b), nil
}

// Run builds the Go program (unless a prebuilt binary is named) and runs it with the
// environment pulumi.Run reads.
func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	if info == nil {
		return &pulumirpc.RunResponse{Error: "the engine sent no program info"}, nil
	}
	dir := info.ProgramDirectory
	binary, err := h.programBinary(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	if binary != "" {
		if !filepath.IsAbs(binary) {
			binary = filepath.Join(dir, binary)
		}
	} else {
		target := "."
		if e := info.EntryPoint; e != "" && e != "." {
			target = "./" + filepath.ToSlash(filepath.Clean(e))
		}
		built, cleanup, err := build(ctx, dir, target)
		if err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
		defer cleanup()
		binary = built
	}

	cfgEnv, err := hostkit.ConfigEnv(req.GetConfig(), req.GetConfigSecretKeys())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	// The variables of sdk/v3/go/pulumi/run.go (getEnvInfo).
	env := append(os.Environ(),
		"PULUMI_MONITOR="+req.GetMonitorAddress(),
		"PULUMI_ENGINE="+h.EngineAddress,
		"PULUMI_PROJECT="+req.GetProject(),
		"PULUMI_STACK="+req.GetStack(),
		"PULUMI_ORGANIZATION="+req.GetOrganization(),
		"PULUMI_ROOT_DIRECTORY="+info.RootDirectory,
		"PULUMI_PARALLEL="+strconv.Itoa(int(req.GetParallel())),
		"PULUMI_DRY_RUN="+strconv.FormatBool(req.GetDryRun()),
	)
	env = append(env, cfgEnv...)

	cmd := exec.CommandContext(ctx, binary, req.GetArgs()...)
	cmd.Dir = dir
	if req.GetPwd() != "" {
		cmd.Dir = req.GetPwd()
	}
	cmd.Env = env
	return hostkit.RunProgram(cmd, "the program"), nil
}
