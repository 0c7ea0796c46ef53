// Command pulumi-language-python is a minimal Python language host for the Pulumi CLI
// built by tools/pulumi_cli/build.py.
//
// Why it exists: pulumi's own language host is the Go module
// github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3, which has no tags;
// the Go module proxy this project can reach refuses every version of it (tags, commit
// queries and exact pseudo-versions alike), while it serves pkg/v3 and sdk/v3. So the CLI
// and the engine are pulumi's own, built from the pinned release, and only this thin
// gRPC front is ours. It starts programs exactly as pulumi's host does:
//
//   - through the sdk module's python/toolchain (the Pulumi.yaml `virtualenv` and
//     `toolchain` options pick the interpreter and activate the virtualenv);
//   - by running pulumi's own pulumi-language-python-exec script, which sits beside this
//     binary, with the same arguments (--monitor, --engine, --project, --root_directory,
//     --stack, --pwd, --dry_run, --parallel, --organization, then the entry point);
//   - with the stack config in PULUMI_CONFIG and its secret keys in
//     PULUMI_CONFIG_SECRET_KEYS, both JSON;
//   - answering the Cancel RPC (first SIGINT to the CLI) by interrupting the program.
//
// What it leaves out: GetRequiredPackages is unimplemented, so the engine falls back to
// "no plugins announced" (the tests disable automatic plugin acquisition anyway, which is
// all pulumi's host would use that list for), and so are InstallDependencies, About,
// typechecking, debugging, code generation and plugin hosting.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
)

const (
	// The exec shim pulumi ships in the sdk module (python/cmd); build.py copies it here.
	execScriptName = "pulumi-language-python-exec"
	// pulumi-language-python-exec exits with this code after printing an error meant for
	// the user; the engine then bails without adding its own message.
	exitAfterUserActionableMessage = 32
)

func main() {
	showVersion := flag.Bool("version", false, "print the plugin version and exit")
	// The CLI passes -tracing when tracing is on; accepted so the host starts either way.
	flag.String("tracing", "", "ignored: tracing is not supported by this host")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}

	self, err := os.Executable()
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not determine this executable: %w", err))
	}
	execScript := filepath.Join(filepath.Dir(self), execScriptName)
	if _, err := os.Stat(execScript); err != nil {
		cmdutil.Exit(fmt.Errorf("missing %s beside the language host: %w", execScriptName, err))
	}

	// The engine's address is the last positional argument.
	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[len(args)-1]
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	cancelServe := make(chan bool)
	go func() {
		<-ctx.Done()
		stop()
		close(cancelServe)
	}()
	if engineAddress != "" {
		// Exit when the engine goes away, as pulumi's host does.
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, stop); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start the health check: %w", err))
		}
	}

	runCtx, cancelRuns := context.WithCancel(context.Background())
	host := &languageHost{
		execScript:    execScript,
		engineAddress: engineAddress,
		runCtx:        runCtx,
		cancelRuns:    cancelRuns,
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancelServe,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start the language host RPC server: %w", err))
	}
	// The CLI reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC server stopped: %w", err))
	}
}

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	execScript string

	mu            sync.Mutex
	engineAddress string

	// Cancelled by the Cancel RPC: every running program gets SIGINT.
	runCtx     context.Context
	cancelRuns context.CancelFunc
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *languageHost) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancelRuns()
	return &emptypb.Empty{}, nil
}

// pythonOptions reads the Pulumi.yaml runtime options that pulumi's host reads for a
// program (not a plugin). The typechecker option is refused rather than ignored, so a
// program that relies on it cannot pass here silently.
func pythonOptions(info *pulumirpc.ProgramInfo) (toolchain.PythonOptions, error) {
	opts := toolchain.PythonOptions{Root: info.GetRootDirectory(), ProgramDir: info.GetProgramDirectory()}
	options := info.GetOptions().AsMap()
	if value, ok := options["virtualenv"]; ok {
		text, isText := value.(string)
		if !isText {
			return opts, errors.New("virtualenv option must be a string")
		}
		opts.Virtualenv = text
	}
	if value, ok := options["toolchain"]; ok {
		switch value {
		case "pip":
			opts.Toolchain = toolchain.Pip
		case "poetry":
			opts.Toolchain = toolchain.Poetry
		case "uv":
			opts.Toolchain = toolchain.Uv
		default:
			return opts, fmt.Errorf("unsupported toolchain option: %v", value)
		}
	}
	if _, ok := options["typechecker"]; ok {
		return opts, errors.New("the typechecker option is not supported by this language host")
	}
	return opts, nil
}

func (h *languageHost) arguments(req *pulumirpc.RunRequest) []string {
	h.mu.Lock()
	engineAddress := h.engineAddress
	h.mu.Unlock()

	args := []string{h.execScript}
	add := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", engineAddress)
	add("project", req.GetProject())
	add("root_directory", req.GetInfo().GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	add("dry_run", strconv.FormatBool(req.GetDryRun()))
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("organization", req.GetOrganization())
	args = append(args, req.GetInfo().GetEntryPoint())
	return append(args, req.GetArgs()...)
}

func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	opts, err := pythonOptions(req.GetInfo())
	if err != nil {
		return nil, err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return nil, err
	}

	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, fmt.Errorf("could not serialize the stack config: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("could not serialize the secret config keys: %w", err)
	}

	// The program stops when the Cancel RPC arrives or the engine drops the request.
	cmdCtx, cmdCancel := context.WithCancel(h.runCtx)
	defer cmdCancel()
	context.AfterFunc(ctx, cmdCancel)
	cmd, err := tc.Command(cmdCtx, h.arguments(req)...)
	if err != nil {
		return nil, err
	}
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 5 * time.Second
	// The engine turns the host's stdout and stderr into diagnostics.
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(env,
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
	)

	if err := cmd.Run(); err != nil {
		// Flush so that what a crashing program printed reaches the engine first.
		_ = os.Stdout.Sync()
		_ = os.Stderr.Sync()
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("problem executing program (could not run %s): %v", execScriptName, err),
			}, nil
		}
		if status, ok := exitErr.Sys().(syscall.WaitStatus); ok &&
			status.ExitStatus() == exitAfterUserActionableMessage {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("program exited with non-zero exit code: %d", exitErr.ExitCode()),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}
