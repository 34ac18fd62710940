// Command pulumi-language-nodejs is pulumi-flow's minimal Node.js language host.
//
// The upstream language host is a separate Go module that the Go module proxy
// reachable from our build machines does not serve, so the engine bootstrap
// builds this one instead. It implements what the engine needs to run a
// Node.js/TypeScript program (Run), a Node.js policy pack (RunPlugin with kind
// "analyzer"), dependency installation (InstallDependencies, for `pulumi install`)
// and plugin discovery. It starts the SDK's own entry points
// (@pulumi/pulumi/cmd/run, cmd/run-plugin, cmd/run-policy-pack) with node,
// resolved from the program's directory, exactly as `pulumi` expects.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"pulumi-flow.local/engine/hostkit"
)

func main() {
	var tracing string
	flag.StringVar(&tracing, "tracing", "", "Zipkin-compatible tracing endpoint (passed through to node)")
	runtimeName := flag.String("runtime", "nodejs", "runtime name; only nodejs is supported")
	showVersion := hostkit.Flags()
	flag.Parse()
	if *showVersion {
		hostkit.PrintVersion()
		return
	}
	if *runtimeName != "nodejs" {
		cmdutil.Exit(fmt.Errorf("unsupported runtime %q: this language host only runs nodejs", *runtimeName))
	}
	hostkit.Serve(func(engineAddress string) pulumirpc.LanguageRuntimeServer {
		return &languageHost{Base: hostkit.Base{EngineAddress: engineAddress}, tracing: tracing}
	})
}

// languageHost implements pulumirpc.LanguageRuntimeServer for node.
type languageHost struct {
	hostkit.Base
	tracing string
}

// options are the `runtime.options` of Pulumi.yaml / PulumiPolicy.yaml that we honour.
type options struct {
	typescript     bool
	tsconfig       string
	nodeargs       []string
	packageManager string
}

func parseOptions(info *pulumirpc.ProgramInfo) (options, error) {
	opts := options{typescript: true}
	if info == nil || info.Options == nil {
		return opts, nil
	}
	m := info.Options.AsMap()
	if v, ok := m["typescript"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return opts, errors.New("runtime option 'typescript' must be a boolean")
		}
		opts.typescript = b
	}
	if v, ok := m["tsconfig"]; ok {
		s, isString := v.(string)
		if !isString {
			return opts, errors.New("runtime option 'tsconfig' must be a string")
		}
		opts.tsconfig = s
	}
	if v, ok := m["nodeargs"]; ok {
		s, isString := v.(string)
		if !isString {
			return opts, errors.New("runtime option 'nodeargs' must be a string")
		}
		opts.nodeargs = strings.Fields(s)
	}
	if v, ok := m["packagemanager"]; ok {
		s, isString := v.(string)
		if !isString || !slices.Contains([]string{"auto", "npm", "yarn", "pnpm", "bun"}, s) {
			return opts, errors.New("runtime option 'packagemanager' must be one of auto, npm, yarn, pnpm, bun")
		}
		opts.packageManager = s
	}
	return opts, nil
}

func (o options) env() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}

// resolveModule finds a module (e.g. @pulumi/pulumi/cmd/run) the way node would from dir.
func resolveModule(nodeBin, dir, mod string) (string, error) {
	script := fmt.Sprintf(`try { console.log(require.resolve(%q)); } catch (e) { `+
		`console.error(e.code === 'MODULE_NOT_FOUND' ? %q : e.message); process.exit(1); }`,
		mod, "Cannot find "+mod+" from "+dir+": the @pulumi/pulumi package is not installed there; run `npm ci` (or npm install) in the project.")
	cmd := exec.Command(nodeBin, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", errors.New(strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func (h *languageHost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, err
	}
	out, err := exec.Command(nodeBin, "--version").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: nodeBin, Version: strings.TrimSpace(string(out))}, nil
}

// InstallDependencies installs the project's (or policy pack's) packages, as `pulumi install`
// and `pulumi new` ask: `<manager> install` in the nearest folder with a package.json, where
// the manager is the `packagemanager` runtime option, else the one whose lockfile is there,
// else npm. Its output streams back to the engine.
func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	opts, err := parseOptions(req.GetInfo())
	if err != nil {
		return err
	}
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetDirectory() //nolint:staticcheck // older engines send only the deprecated field
	}
	root, err := packageRoot(dir)
	if err != nil {
		return err
	}
	manager := opts.packageManager
	if manager == "" || manager == "auto" {
		manager = detectPackageManager(root)
	}
	bin, err := exec.LookPath(manager)
	if err != nil {
		return fmt.Errorf("installing the dependencies of %s needs %s, which is not on PATH", root, manager)
	}
	var mu sync.Mutex
	send := func(resp *pulumirpc.InstallDependenciesResponse) error {
		mu.Lock()
		defer mu.Unlock()
		return server.Send(resp)
	}
	cmd := exec.CommandContext(server.Context(), bin, "install")
	cmd.Dir = root
	cmd.Stdout = writerFunc(func(b []byte) error { return send(&pulumirpc.InstallDependenciesResponse{Stdout: b}) })
	cmd.Stderr = writerFunc(func(b []byte) error { return send(&pulumirpc.InstallDependenciesResponse{Stderr: b}) })
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("`%s install` failed in %s: %w", manager, root, err)
	}
	return nil
}

// packageRoot is dir or the nearest folder above it with a package.json.
func packageRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "package.json")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no package.json in %s or any folder above it: nothing to install", abs)
		}
	}
}

// detectPackageManager names the package manager whose lockfile is in root (npm when none is).
func detectPackageManager(root string) string {
	for _, lock := range []struct{ file, manager string }{
		{"package-lock.json", "npm"}, {"yarn.lock", "yarn"}, {"pnpm-lock.yaml", "pnpm"}, {"bun.lock", "bun"}, {"bun.lockb", "bun"},
	} {
		if _, err := os.Stat(filepath.Join(root, lock.file)); err == nil {
			return lock.manager
		}
	}
	return "npm"
}

// writerFunc adapts a function to io.Writer; each Write is sent on as one message.
type writerFunc func([]byte) error

func (f writerFunc) Write(b []byte) (int, error) {
	if err := f(append([]byte(nil), b...)); err != nil {
		return 0, err
	}
	return len(b), nil
}

// Run executes a Pulumi program through @pulumi/pulumi/cmd/run.
func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the PATH: " + err.Error()}, nil
	}
	info := req.GetInfo()
	if info == nil {
		return &pulumirpc.RunResponse{Error: "the engine sent no program info"}, nil
	}
	opts, err := parseOptions(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	runPath, err := resolveModule(nodeBin, info.ProgramDirectory, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	cfg := make(map[string]string, len(req.GetConfig()))
	for k, v := range req.GetConfig() {
		key, err := config.ParseKey(k)
		if err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
		cfg[key.Namespace()+":config:"+key.Name()] = v
	}
	cfgEnv, err := hostkit.ConfigEnv(cfg, req.GetConfigSecretKeys())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.EngineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root-directory", info.RootDirectory)
	add("stack", req.GetStack())
	add("pwd", info.ProgramDirectory)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)
	args = append(args, info.EntryPoint)
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(), cfgEnv...)
	env = append(env, opts.env()...)

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	cmd.Env = env
	return hostkit.RunProgram(cmd, "node"), nil
}

// RunPlugin starts a Node.js plugin; for policy packs (kind "analyzer") it runs
// @pulumi/pulumi/cmd/run-policy-pack behind the SDK's policy proxy, which hands the
// stack configuration to the pack through the environment.
func (h *languageHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("could not find node on the PATH: %w", err)
	}
	info := req.GetInfo()
	if info == nil {
		return errors.New("the engine sent no plugin program info")
	}
	opts, err := parseOptions(info)
	if err != nil {
		return err
	}
	isPolicyPack := req.Kind == string(apitype.AnalyzerPlugin)
	entry := "@pulumi/pulumi/cmd/run-plugin"
	if isPolicyPack {
		entry = "@pulumi/pulumi/cmd/run-policy-pack"
	}
	runPath, err := resolveModule(nodeBin, info.ProgramDirectory, entry)
	if err != nil {
		return err
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runPath)
	if isPolicyPack {
		args = append(args, req.Args...)
		args = append(args, info.ProgramDirectory)
	} else {
		args = append(args, info.ProgramDirectory)
		args = append(args, req.Args...)
	}
	env := append(append([]string{}, req.Env...), opts.env()...)

	var proxy *sdk.PolicyProxy
	if isPolicyPack {
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		stackCfg, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get the stack configuration: %w", err)
		}
		if stackCfg != nil {
			set := func(k, v string) {
				if v != "" {
					env = append(env, k+"="+v)
				}
			}
			set("PULUMI_NODEJS_ORGANIZATION", stackCfg.Organization)
			set("PULUMI_NODEJS_PROJECT", stackCfg.Project)
			set("PULUMI_NODEJS_STACK", stackCfg.Stack)
			set("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stackCfg.DryRun))
			if stackCfg.Config != nil {
				cfgJSON, err := json.Marshal(stackCfg.Config)
				if err != nil {
					return err
				}
				set("PULUMI_CONFIG", string(cfgJSON))
			}
		}
	}

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	if isPolicyPack {
		// Policy packs run with their own folder as working directory.
		cmd.Dir = info.ProgramDirectory
	} else {
		cmd.Dir = req.Pwd
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr

	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start node: %w", err)
	}
	if proxy != nil {
		if err := proxy.Attach(ctx, cmd); err != nil {
			return fmt.Errorf("could not attach the policy pack proxy: %w", err)
		}
	} else if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return fmt.Errorf("plugin exited with non-zero exit code: %d", ee.ExitCode())
		}
		return err
	}
	return closer.Close()
}
