package fake

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake/server"
	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/wire"
)

// nonRetriableError stops azcore's retry policy: a fake's error is final.
type nonRetriableError struct {
	error
}

func (nonRetriableError) NonRetriable() {}

func (e nonRetriableError) Unwrap() error { return e.error }

// nonRetriable marks err as final unless it already is.
func nonRetriable(err error) error {
	var nr interface{ NonRetriable() }
	if err == nil || errors.As(err, &nr) {
		return err
	}
	return nonRetriableError{err}
}

// tracker holds the state of the pagers or pollers in progress, each under
// its own ID.
type tracker[T any] struct {
	mu    sync.Mutex
	last  uint64
	items map[string]*T
}

func newTracker[T any]() *tracker[T] {
	return &tracker[T]{items: map[string]*T{}}
}

// add stores item and returns its new ID.
func (t *tracker[T]) add(item *T) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.last++
	id := strconv.FormatUint(t.last, 10)
	t.items[id] = item
	return id
}

func (t *tracker[T]) get(id string) *T {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.items[id]
}

func (t *tracker[T]) remove(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.items, id)
}

// setNextLink sets the nextLink of the JSON page in resp's body.
func setNextLink(resp *http.Response, link string) error {
	var page map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		return fmt.Errorf("reading a fake page: %w", err)
	}
	if err := resp.Body.Close(); err != nil {
		return err
	}
	if page == nil {
		page = map[string]json.RawMessage{}
	}
	raw, err := json.Marshal(link)
	if err != nil {
		return err
	}
	page["nextLink"] = raw
	body, err := json.Marshal(page)
	if err != nil {
		return err
	}
	resp.Body = readCloser{strings.NewReader(string(body))}
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Type", "application/json")
	return nil
}

type readCloser struct{ *strings.Reader }

func (readCloser) Close() error { return nil }

var statusNames = map[int]string{
	http.StatusOK:        "http.StatusOK",
	http.StatusCreated:   "http.StatusCreated",
	http.StatusAccepted:  "http.StatusAccepted",
	http.StatusNoContent: "http.StatusNoContent",
}

// checkStatus refuses a status the SDK method does not treat as success.
func checkStatus(status int, ok ...int) error {
	if slices.Contains(ok, status) {
		return nil
	}
	names := make([]string, len(ok))
	for i, s := range ok {
		names[i] = statusNames[s]
	}
	return fmt.Errorf("unexpected status code %d. acceptable values are %s", status, strings.Join(names, ", "))
}

// content returns the responder's status and a copy of its headers, which
// the transport may then change without touching the responder.
func content[T any](r azfake.Responder[T]) server.ResponseContent {
	c := server.GetResponseContent(r)
	c.Header = c.Header.Clone()
	if c.Header == nil {
		c.Header = http.Header{}
	}
	return c
}

// pathParam returns the unescaped path segment fromEnd segments before the
// last one (0 is the last).
func pathParam(req *http.Request, fromEnd int) (string, error) {
	segs := strings.Split(req.URL.EscapedPath(), "/")
	i := len(segs) - 1 - fromEnd
	if i < 1 {
		return "", fmt.Errorf("failed to parse path %s", req.URL.EscapedPath())
	}
	v, err := url.PathUnescape(segs[i])
	if err != nil {
		return "", fmt.Errorf("failed to parse path %s: %w", req.URL.EscapedPath(), err)
	}
	return v, nil
}

// queryString returns the query parameter name, nil when absent.
func queryString(q url.Values, name string) *string {
	if !q.Has(name) {
		return nil
	}
	v := q.Get(name)
	return &v
}

// headerString returns the header name, nil when absent.
func headerString(h http.Header, name string) *string {
	if len(h.Values(name)) == 0 {
		return nil
	}
	v := h.Get(name)
	return &v
}

// setMetrics writes m as the service's timing headers.
func setMetrics(h http.Header, m azsessions.Metrics) {
	for name, d := range map[string]*time.Duration{
		wire.HeaderExecutionRequestTime:       m.ExecutionRequestTime,
		wire.HeaderExecutionReadResponseTime:  m.ExecutionReadResponseTime,
		wire.HeaderTotalExecutionServiceTime:  m.TotalExecutionServiceTime,
		wire.HeaderContainerExecutionDuration: m.ContainerExecutionDuration,
		wire.HeaderPreparationTime:            m.PreparationTime,
		wire.HeaderAllocationTime:             m.AllocationTime,
		wire.HeaderOverallExecutionTime:       m.OverallExecutionTime,
	} {
		if d != nil {
			h.Set(name, formatDuration(*d))
		}
	}
	if m.AllocationRetries != nil {
		h.Set(wire.HeaderAllocationRetries, strconv.Itoa(*m.AllocationRetries))
	}
	if m.NewAllocation != nil {
		h.Set(wire.HeaderNewAllocation, strconv.FormatBool(*m.NewAllocation))
	}
	if m.SessionGUID != nil {
		h.Set(wire.HeaderSessionGUID, *m.SessionGUID)
	}
}

// formatDuration writes whole milliseconds as the service does, and other
// durations exactly, as Go duration strings (which the SDK also reads).
func formatDuration(d time.Duration) string {
	if d%time.Millisecond == 0 {
		return strconv.FormatInt(d.Milliseconds(), 10)
	}
	return d.String()
}

// formatHTTPTime writes t as an HTTP date, or as RFC 3339 when the HTTP
// date would lose its fraction of a second; the SDK reads both.
func formatHTTPTime(t time.Time) string {
	if t.Nanosecond() == 0 {
		return t.UTC().Format(http.TimeFormat)
	}
	return t.Format(time.RFC3339Nano)
}
