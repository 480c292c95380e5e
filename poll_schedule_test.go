package azsessions_test

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// countingService runs every execution asynchronously and counts the polls.
// done(poll) says whether the execution has finished when poll (from 1)
// arrives; header, when set, is added to every poll's answer.
type countingService struct {
	polls  atomic.Int32
	doneAt atomic.Int32 // the poll that first answered Succeeded
	done   func(poll int32) bool
	header []string
}

func (s *countingService) handle(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		w.Header().Set("operation-id", "e1")
		w.Header().Set("Operation-Location", "executions/e1")
		reply(http.StatusAccepted, []byte(`{"id":"e1","status":"Running"}`))(w, r)
		return
	}
	n := s.polls.Add(1)
	if s.done(n) {
		s.doneAt.CompareAndSwap(0, n)
		reply(http.StatusOK, []byte(`{"id":"e1","status":"Succeeded","result":{"stdout":"done\n"}}`), s.header...)(w, r)
		return
	}
	reply(http.StatusOK, []byte(`{"id":"e1","status":"Running"}`), s.header...)(w, r)
}

// TestPollScheduleWithoutHints polls an execution that stays running by
// hand and reads the delay the poller asks PollUntilDone to wait after each
// poll: 250 ms six times, then 500 ms, 1 s and 2 s three times each, then
// 4 s.
func TestPollScheduleWithoutHints(t *testing.T) {
	svc := &countingService{done: func(int32) bool { return false }}
	c, _ := newRecordedClient(t, svc.handle, nil)
	poller, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("slow()"), nil)
	require.NoError(t, err)
	var got []string
	for range 18 {
		resp, err := poller.Poll(context.Background())
		require.NoError(t, err)
		got = append(got, resp.Header.Get("Retry-After-Ms"))
	}
	want := []string{"250", "250", "250", "250", "250", "250", "500", "500", "500", "1000", "1000", "1000", "2000", "2000", "2000", "4000", "4000", "4000"}
	require.Equal(t, want, got)
}

// TestOneSecondExecutionIsReturnedPromptly runs an execution that the
// service finishes one second after it started, with no Retry-After, and
// PollUntilDone(ctx, nil). azcore's own default would wait 30 s after the
// first poll, past the test's deadline; the schedule has the poller poll
// every 250 ms, so the answer comes by the seventh poll (6 x 250 ms = 1.5 s
// of waiting; fewer polls on a slow machine, never more, and on a very slow
// one the first).
func TestOneSecondExecutionIsReturnedPromptly(t *testing.T) {
	var (
		mu      sync.Mutex
		started time.Time
	)
	svc := &countingService{}
	svc.done = func(int32) bool {
		mu.Lock()
		defer mu.Unlock()
		return time.Since(started) >= time.Second
	}
	c, _ := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			mu.Lock()
			started = time.Now()
			mu.Unlock()
		}
		svc.handle(w, r)
	}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	poller, err := c.NewExecutionClient().BeginExecute(ctx, "s1", azsessions.NewCodeRequest("time.sleep(1)"), nil)
	require.NoError(t, err)
	resp, err := poller.PollUntilDone(ctx, nil)
	require.NoError(t, err, "PollUntilDone with nil options waited too long")
	require.True(t, resp.Succeeded())
	doneAt := svc.doneAt.Load()
	t.Logf("finished at poll %d", doneAt)
	// No lower bound: PollUntilDone polls at once, and a loaded machine
	// may take the execution's whole second to send that first poll.
	require.LessOrEqual(t, doneAt, int32(7), "the poller polled faster than its schedule")
	require.Equal(t, doneAt, svc.polls.Load(), "no poll after the answer")
}

// TestExecuteWaitsOnTheSchedule: a synchronous Execute that the service
// answers with 202 and Running waits on the same schedule.
func TestExecuteWaitsOnTheSchedule(t *testing.T) {
	svc := &countingService{done: func(n int32) bool { return n >= 4 }}
	c, _ := newRecordedClient(t, svc.handle, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	resp, err := c.NewExecutionClient().Execute(ctx, "s1", azsessions.NewCodeRequest("slow()"), nil)
	require.NoError(t, err)
	require.Equal(t, "done\n", *resp.Result.Stdout)
	require.Equal(t, int32(4), svc.polls.Load())
}

// firstPollOfRunning starts an execution that stays running, whose poll
// answers carry header (name, value pairs), and returns the answer to the
// first poll, with the wait the poller asks of PollUntilDone.
func firstPollOfRunning(t *testing.T, header ...string) *http.Response {
	t.Helper()
	svc := &countingService{done: func(int32) bool { return false }, header: header}
	c, _ := newRecordedClient(t, svc.handle, nil)
	poller, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("slow()"), nil)
	require.NoError(t, err)
	resp, err := poller.Poll(context.Background())
	require.NoError(t, err)
	return resp
}

// TestServiceRetryAfterWinsOverTheSchedule: a Retry-After from the service
// is left as it is, so PollUntilDone waits what the service asked.
func TestServiceRetryAfterWinsOverTheSchedule(t *testing.T) {
	for _, header := range [][]string{{"Retry-After", "3"}, {"Retry-After-Ms", "1500"}, {"X-Ms-Retry-After-Ms", "700"}} {
		t.Run(header[0], func(t *testing.T) {
			resp := firstPollOfRunning(t, header...)
			require.Equal(t, header[1], resp.Header.Get(header[0]))
			if header[0] != "Retry-After-Ms" {
				require.Empty(t, resp.Header.Get("Retry-After-Ms"), "the schedule does not override the service")
			}
		})
	}
	// A zero Retry-After is no hint: PollUntilDone would ignore it.
	resp := firstPollOfRunning(t, "Retry-After", "0")
	require.Equal(t, strconv.Itoa(250), resp.Header.Get("Retry-After-Ms"))
}

// TestPollFrequencyReplacesTheSchedule: with PollFrequency set, every poll
// of a running execution asks PollUntilDone to wait that long, also after a
// resume; a Retry-After from the service still wins.
func TestPollFrequencyReplacesTheSchedule(t *testing.T) {
	svc := &countingService{done: func(int32) bool { return false }}
	c, _ := newRecordedClient(t, svc.handle, nil)
	execs := c.NewExecutionClient()
	opts := &azsessions.ExecutionClientBeginExecuteOptions{PollFrequency: 3 * time.Second}
	poller, err := execs.BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("slow()"), opts)
	require.NoError(t, err)
	var got []string
	for range 8 {
		resp, err := poller.Poll(context.Background())
		require.NoError(t, err)
		got = append(got, resp.Header.Get("Retry-After-Ms"))
	}
	require.Equal(t, []string{"3000", "3000", "3000", "3000", "3000", "3000", "3000", "3000"}, got)

	token, err := poller.ResumeToken()
	require.NoError(t, err)
	resumed, err := execs.BeginExecute(context.Background(), "", azsessions.ExecutionRequest{}, &azsessions.ExecutionClientBeginExecuteOptions{ResumeToken: token, PollFrequency: 2 * time.Second})
	require.NoError(t, err)
	resp, err := resumed.Poll(context.Background())
	require.NoError(t, err)
	require.Equal(t, "2000", resp.Header.Get("Retry-After-Ms"))

	svc.header = []string{"Retry-After", "1"}
	resp, err = poller.Poll(context.Background())
	require.NoError(t, err)
	require.Equal(t, "1", resp.Header.Get("Retry-After"))
	require.Empty(t, resp.Header.Get("Retry-After-Ms"), "the service's Retry-After wins")
}

// TestPollFrequencyUnderAMillisecondIsKept: PollUntilDone reads the wait
// in whole milliseconds and takes 0 as no hint at all, falling back to its
// default of 30 s; a PollFrequency under a millisecond (a test that wants
// fast polls) is asked as 1 ms, and a fraction of a millisecond rounds up.
func TestPollFrequencyUnderAMillisecondIsKept(t *testing.T) {
	for freq, want := range map[time.Duration]string{
		time.Nanosecond:         "1",
		500 * time.Microsecond:  "1",
		1500 * time.Microsecond: "2",
		7 * time.Millisecond:    "7",
	} {
		svc := &countingService{done: func(int32) bool { return false }}
		c, _ := newRecordedClient(t, svc.handle, nil)
		poller, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("slow()"), &azsessions.ExecutionClientBeginExecuteOptions{PollFrequency: freq})
		require.NoError(t, err)
		resp, err := poller.Poll(context.Background())
		require.NoError(t, err)
		require.Equal(t, want, resp.Header.Get("Retry-After-Ms"), "PollFrequency %v", freq)
	}
}
