package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// timeLayoutMillis is how the service writes session times
// ("2025-01-21T03:38:05.232Z").
const timeLayoutMillis = "2006-01-02T15:04:05.000Z07:00"

func formatMillis(t time.Time) string { return t.UTC().Format(timeLayoutMillis) }

// sessionJSON is the spec's Session (GET /session, GET /listSessions).
type sessionJSON struct {
	Identifier     string `json:"identifier"`
	ExpireAt       string `json:"expireAt"`
	CreatedAt      string `json:"createdAt"`
	LastAccessedAt string `json:"lastAccessedAt"`
	Etag           string `json:"etag"`
}

// sessionViewJSON is the docs' SessionView (.management/getSession and
// listSessions), which spells the expiry "expiresAt".
type sessionViewJSON struct {
	Identifier     string `json:"identifier"`
	Etag           string `json:"etag"`
	ExpiresAt      string `json:"expiresAt"`
	CreatedAt      string `json:"createdAt"`
	LastAccessedAt string `json:"lastAccessedAt"`
}

func (i sessionInfo) json() sessionJSON {
	return sessionJSON{Identifier: i.identifier, ExpireAt: formatMillis(i.expiresAt), CreatedAt: formatMillis(i.createdAt), LastAccessedAt: formatMillis(i.lastAccess), Etag: i.guid}
}

func (i sessionInfo) view() sessionViewJSON {
	return sessionViewJSON{Identifier: i.identifier, Etag: i.guid, ExpiresAt: formatMillis(i.expiresAt), CreatedAt: formatMillis(i.createdAt), LastAccessedAt: formatMillis(i.lastAccess)}
}

// getSession serves GET /session.
func (c *call) getSession() error {
	info, ok := c.s.store.peek(c.identifier)
	if !ok {
		return newError(http.StatusNotFound, CodeSessionNotFound, "no session has identifier %q", c.identifier)
	}
	writeJSON(c.w, http.StatusOK, info.json())
	return nil
}

// deleteSession serves DELETE /session: 204 whether or not it existed, as a
// delete of something already gone has reached its goal.
func (c *call) deleteSession() error {
	c.s.store.remove(c.identifier)
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// pageParams reads skip (or its alias offset, seen in the spec examples)
// and limit (at most the configured page size).
func (c *call) pageParams() (skip, size int, err error) {
	skipName := querySkip
	if c.query.Get(querySkip) == "" && c.query.Get("offset") != "" {
		skipName = "offset"
	}
	if skip, err = c.intParam(skipName, 0); err != nil {
		return 0, 0, err
	}
	size = c.s.cfg.ListPageSize
	limit, err := c.intParam("limit", size)
	if err != nil {
		return 0, 0, err
	}
	if limit > 0 {
		size = min(limit, size)
	}
	return skip, size, nil
}

type listSessionsJSON struct {
	Sessions []sessionJSON `json:"sessions"`
	NextLink string        `json:"nextLink,omitempty"`
}

// sessionPage reads the paging parameters and renders that page of the
// pool's sessions with render. total counts every session; nextLink is ""
// on the last page.
func sessionPage[T any](c *call, render func(sessionInfo) T) (items []T, total int, nextLink string, err error) {
	skip, size, err := c.pageParams()
	if err != nil {
		return nil, 0, "", err
	}
	all := c.s.store.list()
	lo, hi, next := page(len(all), skip, size)
	items = make([]T, 0, hi-lo)
	for _, i := range all[lo:hi] {
		items = append(items, render(i))
	}
	if next >= 0 {
		nextLink = c.nextLink(querySkip, strconv.Itoa(next))
	}
	return items, len(all), nextLink, nil
}

// listSessions serves GET /listSessions.
func (c *call) listSessions() error {
	sessions, _, next, err := sessionPage(c, sessionInfo.json)
	if err != nil {
		return err
	}
	writeJSON(c.w, http.StatusOK, listSessionsJSON{Sessions: sessions, NextLink: next})
	return nil
}

// stopSession serves POST /.management/stopSession.
func (c *call) stopSession() error {
	if !c.s.store.remove(c.identifier) {
		return newError(http.StatusBadRequest, CodeSessionWithIDNotFound, "no session has identifier %q", c.identifier)
	}
	c.w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	c.w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprintf(c.w, "Session %s in session pool %s stopped.", c.identifier, c.s.cfg.PoolName)
	return nil
}

// managementGetSession serves POST /.management/getSession.
func (c *call) managementGetSession() error {
	info, ok := c.s.store.peek(c.identifier)
	if !ok {
		return newError(http.StatusBadRequest, CodeSessionWithIDNotFound, "no session has identifier %q", c.identifier)
	}
	writeJSON(c.w, http.StatusOK, info.view())
	return nil
}

type managementListJSON struct {
	Value    []sessionViewJSON `json:"value"`
	Count    int               `json:"count"`
	NextLink string            `json:"nextLink,omitempty"`
}

// managementListSessions serves POST /.management/listSessions.
func (c *call) managementListSessions() error {
	sessions, total, next, err := sessionPage(c, sessionInfo.view)
	if err != nil {
		return err
	}
	writeJSON(c.w, http.StatusOK, managementListJSON{Value: sessions, Count: total, NextLink: next})
	return nil
}

type nameVersionJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type kernelJSON struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	ProjectURL  string `json:"projectUrl"`
	Description string `json:"description"`
}

type metadataJSON struct {
	Runtimes             []nameVersionJSON `json:"runtimes"`
	PreInstalledPackages []nameVersionJSON `json:"preInstalledPackages"`
	CreatedAt            string            `json:"createdAt"`
	LastUpdatedAt        string            `json:"lastUpdatedAt"`
	JupyterKernel        kernelJSON        `json:"jupyterKernel"`
}

// infoCache remembers the runtime description: asking the runtime may mean
// starting an interpreter to list its packages.
type infoCache struct {
	mu    sync.Mutex
	ok    bool
	info  runtime.Info
	probe *infoProbe // the probe running, nil when none runs
}

// infoProbe is one run of the Factory's Info, which every caller that
// comes while it runs waits for.
type infoProbe struct {
	done chan struct{} // closed once info and err are set
	info runtime.Info
	err  error
}

// infoTimeout bounds a probe of the runtime: Python listing its packages
// takes a second or two, and one that hangs fails /metadata rather than
// holding its callers.
const infoTimeout = 2 * time.Minute

// runtimeInfo returns the runtime's description, probing it once. The
// probe runs apart from its callers, under the server's life and its own
// timeout, so that the first caller leaving neither kills it nor fails it
// for the others; each caller waits under its own ctx.
func (s *Server) runtimeInfo(ctx context.Context) (runtime.Info, error) {
	s.info.mu.Lock()
	if s.info.ok {
		s.info.mu.Unlock()
		return s.info.info, nil
	}
	p := s.info.probe
	if p == nil {
		p = &infoProbe{done: make(chan struct{})}
		if !s.goBackground(func() { s.probeInfo(p) }) {
			s.info.mu.Unlock()
			return runtime.Info{}, errShuttingDown()
		}
		s.info.probe = p
	}
	s.info.mu.Unlock()
	select {
	case <-p.done:
		return p.info, p.err
	case <-ctx.Done():
		return runtime.Info{}, ctx.Err()
	}
}

// probeInfo runs p, caching a description it gets; after a failure the
// next caller probes again.
func (s *Server) probeInfo(p *infoProbe) {
	ctx, cancel := context.WithTimeout(s.ctx, infoTimeout)
	defer cancel()
	info, err := s.factory.Info(ctx)
	s.info.mu.Lock()
	p.info, p.err = info, err
	if err == nil {
		s.info.info, s.info.ok = info, true
	}
	s.info.probe = nil
	s.info.mu.Unlock()
	close(p.done)
}

// metadata serves GET /metadata from the runtime's own description.
func (c *call) metadata() error {
	info, err := c.s.runtimeInfo(c.r.Context())
	if err != nil {
		return fmt.Errorf("describing the runtime: %w", err)
	}
	out := metadataJSON{
		Runtimes:             []nameVersionJSON{{Name: info.RuntimeName, Version: info.RuntimeVersion}},
		PreInstalledPackages: make([]nameVersionJSON, 0, len(info.Packages)),
		CreatedAt:            formatMillis(c.s.started),
		LastUpdatedAt:        formatMillis(c.s.started),
		JupyterKernel:        kernelFor(info),
	}
	for _, p := range info.Packages {
		out.PreInstalledPackages = append(out.PreInstalledPackages, nameVersionJSON{Name: p.Name, Version: p.Version})
	}
	writeJSON(c.w, http.StatusOK, out)
	return nil
}

// kernelFor describes the emulator's kernel. It is not Jupyter, but the
// field is required, so it names what actually runs the code.
func kernelFor(info runtime.Info) kernelJSON {
	k := kernelJSON{Name: info.KernelName, Version: info.KernelVersion, ProjectURL: "https://github.com/seed-f3fa2c9d/azsessions"}
	if k.Name == "" {
		k.Name = info.RuntimeName
	}
	if k.Version == "" {
		k.Version = info.RuntimeVersion
	}
	switch {
	case info.KernelDescription != "":
		k.Description = info.KernelDescription
	case info.RuntimeName == "bash":
		k.Description = "azsessions emulator shell runner: one bash process per execution in the session's file area"
	default:
		k.Description = "azsessions emulator Python kernel: one long-lived interpreter per session with Jupyter-like last-expression results"
	}
	return k
}
