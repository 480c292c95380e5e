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
	"syscall"
	"time"

	"github.com/seed-f3fa2c9d/azsessions/emulator"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "azsessions-emulator:", err)
		}
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("azsessions-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		addr         = fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
		poolType     = fs.String("pool-type", emulator.PoolTypePython, "pool type: python or shell")
		token        = fs.String("token", "", "accept only this bearer token (default: any non-empty bearer token)")
		cooldown     = fs.Duration("cooldown", 300*time.Second, "idle time after which a session is deleted with its files")
		maxSessions  = fs.Int("max-sessions", 100, "maximum concurrent sessions; more answer 429")
		ready        = fs.Int("ready-sessions", emulator.DefaultReadySessions, "Python interpreters kept started ahead of demand")
		useTLS       = fs.Bool("tls", false, "serve HTTPS with a self-signed certificate (written to -cert-file)")
		certFile     = fs.String("cert-file", "", "where -tls writes the certificate (PEM) for clients to trust (default $TMPDIR/azsessions-emulator-<port>-cert.pem, removed at shutdown)")
		poolName     = fs.String("pool-name", "emulator", "pool name reported by stopSession")
		maxExecution = fs.Duration("max-execution-timeout", 220*time.Second, "cap on an execution's timeoutInSeconds")
	)
	maxUpload := byteSize(128 << 20)
	memLimit := byteSize(0)
	fs.Var(&maxUpload, "max-upload-bytes", "largest file an upload may carry (bytes, or with a K/M/G/KiB/MiB/GiB suffix); larger answer 413")
	fs.Var(&memLimit, "memory-limit", "memory cap of each Python interpreter (bytes or with a suffix); 0: none")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	readySessions := *ready
	if readySessions == 0 {
		readySessions = -1 // the flag's 0 means none; the option's 0 means default
	}

	emu, err := emulator.Start(&emulator.Options{
		PoolType:            *poolType,
		Addr:                *addr,
		InsecureHTTP:        !*useTLS,
		Token:               *token,
		Cooldown:            *cooldown,
		MaxSessions:         *maxSessions,
		ReadySessions:       readySessions,
		MaxUploadBytes:      int64(maxUpload),
		MaxExecutionTimeout: *maxExecution,
		MemoryLimitBytes:    int64(memLimit),
		PoolName:            *poolName,
		Log:                 stderr,
	})
	if err != nil {
		return err
	}
	if *useTLS {
		defaultCert := *certFile == ""
		if defaultCert {
			// One file per port, so that two emulators do not overwrite
			// each other's certificate.
			*certFile = filepath.Join(os.TempDir(), "azsessions-emulator-"+endpointPort(emu.Endpoint())+"-cert.pem")
		}
		if err := os.WriteFile(*certFile, emu.CertificatePEM(), 0o644); err != nil {
			_ = emu.Close()
			return fmt.Errorf("writing the certificate: %w", err)
		}
		if defaultCert {
			// The certificate is new at every start, so the file is useless
			// once this emulator is gone; a -cert-file the user chose stays.
			defer os.Remove(*certFile)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintln(stdout, emu.Endpoint())
	fmt.Fprintf(stderr, "azsessions-emulator: serving a %s session pool at %s\n", *poolType, emu.Endpoint())
	if *useTLS {
		fmt.Fprintf(stderr, "azsessions-emulator: self-signed certificate written to %s; make clients trust it\n", *certFile)
	}
	fmt.Fprintln(stderr, "azsessions-emulator: code runs as the current user: a development tool, not a security boundary")

	<-ctx.Done()
	stop() // a second signal kills the process the default way
	fmt.Fprintln(stderr, "azsessions-emulator: shutting down")
	return emu.Close()
}

// endpointPort is the port of an emulator endpoint (https://127.0.0.1:8443).
func endpointPort(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || u.Port() == "" {
		return "0"
	}
	return u.Port()
}
