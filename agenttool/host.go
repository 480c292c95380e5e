package agenttool

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/seed-f3fa2c9d/azsessions"
)

// PoolInfo describes what the pool's sessions run: the runtime, the kernel
// and the preinstalled packages, so a model can check for a package
// without probing. The answer is cached for the Toolkit's life.
func (s *Session) PoolInfo(ctx context.Context) (Result, error) {
	md, err := s.t.poolMetadata(ctx)
	if err != nil {
		if ctx.Err() != nil || hostError(err) {
			return Result{}, fmt.Errorf("agenttool: reading the pool metadata: %w", err)
		}
		return errorResult("this pool does not describe itself (%s); check for a package with code instead", s.serviceProblem(err)), nil
	}
	configured := s.t.set.poolType
	described := describedPoolType(md)
	out := &PoolInfoOutput{PoolType: string(cmp.Or(described, configured)), Runtimes: packages(md.Runtimes), Packages: packages(md.PreInstalledPackages)}
	if k := md.JupyterKernel; k != nil {
		out.Kernel = strings.TrimSpace(deref(k.Name) + " " + deref(k.Version))
	}
	l := newLayout("succeeded")
	if described != "" && described != configured {
		l.linef("pool type: %s (as the pool describes itself)", described)
		l.linef("note: this toolkit was set up for a %s pool, so it offers %s, not %s; code may fail here. Tell the user that the toolkit's pool type does not match the pool.", configured, runTool(configured), runTool(described))
	} else {
		l.linef("pool type: %s (run code with %s)", out.PoolType, runTool(configured))
	}
	for _, r := range out.Runtimes {
		l.linef("runtime: %s %s", r.Name, r.Version)
	}
	if out.Kernel != "" {
		l.linef("kernel: %s", out.Kernel)
	}
	names := make([]string, 0, len(out.Packages))
	for _, p := range out.Packages {
		names = append(names, strings.TrimSuffix(p.Name+"=="+p.Version, "=="))
	}
	if len(names) == 0 {
		l.line("preinstalled packages: none listed by the pool")
	} else {
		l.linef("preinstalled packages (%d): %s", len(names), strings.Join(names, ", "))
	}
	return Result{Text: l.String(), Structured: out}, nil
}

// describedPoolType is the pool type md describes: that of its kernel,
// what runs the code, or else of its first runtime that tells; "" when
// none does (a Node.js pool, say).
func describedPoolType(md *azsessions.PoolMetadata) PoolType {
	var names []*string
	if md.JupyterKernel != nil {
		names = append(names, md.JupyterKernel.Name)
	}
	for _, r := range md.Runtimes {
		if r != nil {
			names = append(names, r.Name)
		}
	}
	for _, name := range names {
		switch n := strings.ToLower(strings.TrimSpace(deref(name))); {
		case strings.HasPrefix(n, "python"):
			return PoolTypePython
		case n == "bash" || n == "sh" || n == "shell" || n == "zsh" || n == "dash":
			return PoolTypeShell
		}
	}
	return ""
}

func (t *Toolkit) poolMetadata(ctx context.Context) (*azsessions.PoolMetadata, error) {
	t.infoMu.Lock()
	defer t.infoMu.Unlock()
	if t.info != nil {
		return t.info, nil
	}
	resp, err := t.pool.GetPoolMetadata(ctx, nil)
	if err != nil {
		return nil, err
	}
	t.info = &resp.PoolMetadata
	return t.info, nil
}

func packages(in []*azsessions.NameVersion) []Package {
	out := make([]Package, 0, len(in))
	for _, p := range in {
		if p != nil && p.Name != nil {
			out = append(out, Package{Name: *p.Name, Version: deref(p.Version)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}

// UploadFrom copies the host file name, inside root, to the same relative
// path under /mnt/data. The model never chooses host paths: the host
// calls this, and root refuses names that escape it.
func (s *Session) UploadFrom(ctx context.Context, root *os.Root, name string) error {
	if root == nil {
		return errors.New("agenttool: UploadFrom: root is nil")
	}
	p, err := parseFilePath(filepath.ToSlash(name))
	if err != nil {
		return fmt.Errorf("agenttool: UploadFrom: %w", err)
	}
	f, err := root.Open(name)
	if err != nil {
		return fmt.Errorf("agenttool: UploadFrom: %w", err)
	}
	defer f.Close()
	release, err := s.useTurn(ctx)
	if err != nil {
		return err
	}
	defer release()
	r, err, ok := s.upload(ctx, p, f)
	if ok {
		return nil
	}
	if err != nil {
		return err
	}
	return fmt.Errorf("agenttool: UploadFrom: %s", strings.TrimPrefix(strings.TrimSpace(r.Text), "status: error\nerror: "))
}

// DownloadTo copies the sandbox file name (relative to /mnt/data, or
// absolute under it) to the same relative path inside root, making
// directories as needed. The file appears whole or not at all.
func (s *Session) DownloadTo(ctx context.Context, root *os.Root, name string) (err error) {
	if root == nil {
		return errors.New("agenttool: DownloadTo: root is nil")
	}
	p, err := parseFilePath(filepath.ToSlash(name))
	if err != nil {
		return fmt.Errorf("agenttool: DownloadTo: %w", err)
	}
	local := filepath.FromSlash(p.rel())
	release, err := s.useTurn(ctx)
	if err != nil {
		return err
	}
	defer release()
	resp, err := s.fetch(ctx, p)
	if err != nil {
		return fmt.Errorf("agenttool: DownloadTo %s: %w", p.abs(), err)
	}
	defer resp.Body.Close()
	if dir := filepath.Dir(local); dir != "." {
		if err := root.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("agenttool: DownloadTo: %w", err)
		}
	}
	var suffix [6]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		return fmt.Errorf("agenttool: DownloadTo: %w", err)
	}
	// A name of its own, so two downloads to one name never share it.
	tmp := local + ".partial-" + hex.EncodeToString(suffix[:])
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("agenttool: DownloadTo: %w", err)
	}
	defer func() {
		if err != nil {
			_ = root.Remove(tmp)
		}
	}()
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return fmt.Errorf("agenttool: DownloadTo %s: %w", p.abs(), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("agenttool: DownloadTo: %w", err)
	}
	if err := root.Rename(tmp, local); err != nil {
		return fmt.Errorf("agenttool: DownloadTo: %w", err)
	}
	return nil
}

// ErrFileTooLarge is what ReadFile returns (wrapped) for a file larger than
// the limit it was given.
var ErrFileTooLarge = errors.New("agenttool: the file is larger than the limit")

// ReadFile returns the content of the sandbox file name (relative to
// /mnt/data, or absolute under it), for a host that serves it elsewhere
// (an MCP resource, say). A file larger than max bytes fails with an error
// wrapping ErrFileTooLarge; a missing one with the pool's 404
// *azcore.ResponseError; a path that leaves /mnt/data with one wrapping
// azsessions.ErrInvalidPath. Like the tools, it waits for the session's turn,
// and a sandbox the read makes the pool create is deleted by Close.
func (s *Session) ReadFile(ctx context.Context, name string, max int64) ([]byte, error) {
	if max < 0 {
		return nil, fmt.Errorf("agenttool: ReadFile: max is %d", max)
	}
	p, err := parseFilePath(name)
	if err != nil {
		return nil, fmt.Errorf("agenttool: ReadFile: %v (%w)", err, azsessions.ErrInvalidPath)
	}
	release, err := s.useTurn(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	resp, err := s.fetch(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("agenttool: ReadFile %s: %w", p.abs(), err)
	}
	defer resp.Body.Close()
	if resp.ContentLength != nil && *resp.ContentLength > max {
		return nil, fmt.Errorf("%w: %s is %d bytes, the limit %d", ErrFileTooLarge, p.abs(), *resp.ContentLength, max)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("agenttool: ReadFile %s: %w", p.abs(), err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%w: %s is more than %d bytes", ErrFileTooLarge, p.abs(), max)
	}
	return data, nil
}
