// Command azsessions-emulator serves a local emulator of an Azure Container
// Apps dynamic sessions pool, as Azurite does for Azure Storage: point any
// client (the azsessions SDK, or the Python and JavaScript tools that speak
// the legacy routes) at the URL it prints.
//
//	go run ./cmd/azsessions-emulator [flags]
//
// The first line on standard output is the endpoint URL; requests are
// logged to standard error (method, path, status, time; never code, file
// contents or tokens). SIGINT or SIGTERM shuts it down, killing every
// interpreter and removing every session's files.
//
// The emulator runs code as the current user and is a development tool, not
// a security boundary. It listens on loopback unless -addr says otherwise.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/seed-f3fa2c9d/azsessions/emulator"
	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/server"
)

func main() {
	closeInheritedOnExec()
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "azsessions-emulator:", err)
		}
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	f, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	emu, err := emulator.Start(f.options(stderr))
	if err != nil {
		return err
	}
	certFile, removeCert, err := f.writeCertificate(emu)
	if err != nil {
		_ = emu.Close()
		return err
	}
	defer removeCert()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	announce(stdout, stderr, emu, f, certFile)
	<-ctx.Done()
	stop() // a second signal kills the process the default way
	fmt.Fprintln(stderr, "azsessions-emulator: shutting down")
	return emu.Close()
}

// flags is the parsed command line.
type flags struct {
	addr, poolType, token, certFile, poolName string
	python                                    string
	cooldown, maxExecution                    time.Duration
	maxSessions, ready                        int
	useTLS                                    bool
	maxUpload, memLimit                       byteSize
}

// parseFlags reads the command line; its defaults are the engine's.
func parseFlags(args []string, stderr io.Writer) (*flags, error) {
	f := &flags{maxUpload: server.DefaultMaxUploadBytes}
	fs := flag.NewFlagSet("azsessions-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	fs.StringVar(&f.poolType, "pool-type", emulator.PoolTypePython, "pool type: python or shell")
	fs.StringVar(&f.token, "token", "", "accept only this bearer token (default: any non-empty bearer token)")
	fs.DurationVar(&f.cooldown, "cooldown", server.DefaultCooldown, "idle time after which a session is deleted with its files")
	fs.IntVar(&f.maxSessions, "max-sessions", server.DefaultMaxSessions, "maximum concurrent sessions; more answer 429")
	fs.IntVar(&f.ready, "ready-sessions", emulator.DefaultReadySessions, "Python interpreters kept started ahead of demand")
	fs.BoolVar(&f.useTLS, "tls", false, "serve HTTPS with a self-signed certificate (written to -cert-file)")
	fs.StringVar(&f.certFile, "cert-file", "", "where -tls writes the certificate (PEM) for clients to trust (default $TMPDIR/azsessions-emulator-<port>-cert.pem, removed at shutdown)")
	fs.StringVar(&f.poolName, "pool-name", server.DefaultPoolName, "pool name reported by stopSession")
	fs.DurationVar(&f.maxExecution, "max-execution-timeout", server.DefaultMaxExecutionTimeout, "cap on an execution's timeoutInSeconds")
	fs.Var(&f.maxUpload, "max-upload-bytes", "largest file an upload may carry (bytes, or with a K/M/G/KiB/MiB/GiB suffix); larger answer 413")
	fs.StringVar(&f.python, "python", "python3", "Python interpreter of python pools (path, or name in PATH); cells run through IPython when it can import IPython")
	fs.Var(&f.memLimit, "memory-limit", "memory cap of each Python interpreter (bytes or with a suffix); 0: none")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return f, nil
}

// options are the emulator's options for the flags; requests are logged
// to log.
func (f *flags) options(log io.Writer) *emulator.Options {
	ready := f.ready
	if ready == 0 {
		ready = -1 // the flag's 0 means none; the option's 0 means default
	}
	return &emulator.Options{
		PoolType:            f.poolType,
		Addr:                f.addr,
		InsecureHTTP:        !f.useTLS,
		Token:               f.token,
		Cooldown:            f.cooldown,
		MaxSessions:         f.maxSessions,
		ReadySessions:       ready,
		MaxUploadBytes:      int64(f.maxUpload),
		MaxExecutionTimeout: f.maxExecution,
		MemoryLimitBytes:    int64(f.memLimit),
		Python:              f.python,
		PoolName:            f.poolName,
		Log:                 log,
		// Clients of the command are other processes, which connect over
		// TCP; a socket for an in-process client would serve no one.
		DisableUnixSocket: true,
	}
}

// writeCertificate writes the certificate of a -tls emulator where
// clients can trust it and returns that path ("" without -tls) and a
// function that removes the file when it is the default one. The
// certificate is new at every start, so that file is useless once this
// emulator is gone; a -cert-file the user chose stays.
func (f *flags) writeCertificate(emu *emulator.Emulator) (string, func(), error) {
	if !f.useTLS {
		return "", func() {}, nil
	}
	file, remove := f.certFile, func() {}
	if file == "" {
		// One file per port, so that two emulators do not overwrite each
		// other's certificate.
		file = filepath.Join(os.TempDir(), "azsessions-emulator-"+endpointPort(emu.Endpoint())+"-cert.pem")
		remove = func() { _ = os.Remove(file) }
	}
	if err := os.WriteFile(file, emu.CertificatePEM(), 0o644); err != nil {
		return "", nil, fmt.Errorf("writing the certificate: %w", err)
	}
	return file, remove, nil
}

// announce prints the endpoint on stdout, and on stderr what is served and
// an environment line that emulator.Connect reads.
func announce(stdout, stderr io.Writer, emu *emulator.Emulator, f *flags, certFile string) {
	fmt.Fprintln(stdout, emu.Endpoint())
	fmt.Fprintf(stderr, "azsessions-emulator: serving a %s session pool at %s\n", f.poolType, emu.Endpoint())
	if certFile != "" {
		fmt.Fprintf(stderr, "azsessions-emulator: self-signed certificate written to %s; make clients trust it\n", certFile)
	}
	fmt.Fprintf(stderr, "azsessions-emulator: connect a program with emulator.Connect and:\n%s\n", connectLine(emu.Endpoint(), f.token != "", certFile))
	fmt.Fprintln(stderr, "azsessions-emulator: code runs as the current user: a development tool, not a security boundary")
}

// connectLine is the environment a program passes to emulator.Connect, in
// a form a POSIX shell takes. A -token is never printed (the log may be
// kept): the line names it instead, for the user to fill in.
func connectLine(endpoint string, tokenSet bool, certFile string) string {
	token := shellQuote(emulator.DefaultToken)
	if tokenSet {
		token = "'<the -token value>'"
	}
	return fmt.Sprintf("export %s=%s %s=%s %s=%s", emulator.EnvEndpoint, shellQuote(endpoint),
		emulator.EnvToken, token, emulator.EnvCert, shellQuote(certFile))
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// endpointPort is the port of an emulator endpoint (https://127.0.0.1:8443).
func endpointPort(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || u.Port() == "" {
		return "0"
	}
	return u.Port()
}
