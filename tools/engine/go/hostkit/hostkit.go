// Package hostkit is what pulumi-flow's two language hosts (langhost: Node.js, golanghost: Go)
// share: serving the LanguageRuntime gRPC service the way the engine expects, and the methods
// whose answer is the same for both (handshake, plugin info, no required plugins, packages or
// dependencies).
package hostkit

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"time"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// ExitAfterUserMessage is the exit code the SDKs (@pulumi/pulumi/cmd/run, pulumi.Run) use after
// they have logged the program's error to the engine; the engine should then bail quietly.
const ExitAfterUserMessage = 32

// Flags registers the flags the engine may pass to any language host and returns -version's.
// -root (the project's or plugin's root) comes when the engine loads a package for another
// language's program; the request's program info carries the same folder, so it is accepted
// and not needed.
func Flags() (showVersion *bool) {
	_ = flag.String("root", "", "project root (accepted for the engine; the request's program info is used)")
	return flag.Bool("version", false, "print the plugin version and exit")
}

// PrintVersion prints the plugin version (for -version).
func PrintVersion() {
	fmt.Println(sdk.Version.String())
}

// Serve runs the host's gRPC server until the engine goes away: a health check on the engine
// address (the first argument after the flags), the port printed as the first line of output
// (the engine reads it), and the host built by newHost for that address.
func Serve(newHost func(engineAddress string) pulumirpc.LanguageRuntimeServer) {
	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	cancelChannel := make(chan bool)
	go func() {
		<-ctx.Done()
		cancel()
		close(cancelChannel)
	}()
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check: %w", err))
		}
	}
	host := newHost(engineAddress)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancelChannel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host stopped serving: %w", err))
	}
}

// Base answers the methods both hosts answer alike; a host embeds it and adds the rest.
// Plugins are never discovered from a program: local ones are listed in Pulumi.yaml
// (`plugins:` or `packages:`), the dynamic provider's launcher is on PATH, nothing is downloaded.
type Base struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	EngineAddress string
}

// Handshake records the engine's address.
func (b *Base) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	b.EngineAddress = req.EngineAddress
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// GetPluginInfo reports the SDK version the host was built with.
func (b *Base) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: sdk.Version.String()}, nil
}

// GetRequiredPlugins reports none (see Base).
func (b *Base) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

// GetRequiredPackages reports none (see Base).
func (b *Base) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// GetProgramDependencies reports none.
func (b *Base) GetProgramDependencies(context.Context, *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

// ConfigEnv is PULUMI_CONFIG (the config map as `cfg` gives it, as JSON) and
// PULUMI_CONFIG_SECRET_KEYS (the request's secret keys, as a JSON array), as both SDKs read them.
func ConfigEnv(cfg map[string]string, secretKeys []string) ([]string, error) {
	if cfg == nil {
		cfg = map[string]string{}
	}
	if secretKeys == nil {
		secretKeys = []string{}
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	return []string{"PULUMI_CONFIG=" + string(cfgJSON), "PULUMI_CONFIG_SECRET_KEYS=" + string(secretJSON)}, nil
}

// RunProgram runs a program to its end with our stdout and stderr (wrapped, so a runtime that
// switches its stdio to non-blocking mode never gets our own descriptors), interrupted when the
// engine cancels, and turns its exit into the engine's answer: a bail after the SDK has logged
// the error itself, else the exit code; `what` names the program for a start failure.
func RunProgram(cmd *exec.Cmd, what string) *pulumirpc.RunResponse {
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			if ee.ExitCode() == ExitAfterUserMessage {
				return &pulumirpc.RunResponse{Bail: true}
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", ee.ExitCode())}
		}
		return &pulumirpc.RunResponse{Error: "could not run " + what + ": " + err.Error()}
	}
	return &pulumirpc.RunResponse{}
}
