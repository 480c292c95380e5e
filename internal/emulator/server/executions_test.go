package server

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

func TestExecuteSync(t *testing.T) {
	e := newEnv(t, nil)
	resp := e.exec("s1", map[string]any{"codeInputType": "inline", "executionType": "synchronous", "code": "print 63\nvalue 42 42"},
		map[string]string{"operation-id": "my-op"})
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	m := resp.json(t)
	require.Equal(t, "my-op", m["id"])
	require.Equal(t, "s1", m["identifier"])
	require.Equal(t, "Synchronous", m["executionType"])
	require.Equal(t, "Succeeded", m["status"])
	r := result(m)
	require.Equal(t, "63\n", r["stdout"])
	require.Equal(t, "", r["stderr"])
	require.Equal(t, "42", r["executionResult"])
	require.Contains(t, r, "executionTimeInMilliseconds")
	require.Equal(t, "my-op", resp.header.Get("operation-id"))

	// Timing headers: present, parseable in their three formats.
	h := resp.header
	for _, name := range []string{HeaderContainerExecDuration, HeaderExecutionReadRespTime, HeaderTotalExecutionSvcTime, HeaderPreparationTime, HeaderAllocationTime, HeaderAllocationRetries} {
		_, err := strconv.ParseInt(h.Get(name), 10, 64)
		require.NoError(t, err, "%s=%q", name, h.Get(name))
	}
	rt := h.Get(HeaderExecutionRequestTime)
	_, err := strconv.ParseFloat(rt, 64)
	require.NoError(t, err)
	require.Regexp(t, `^\d+\.\d{6}$`, rt)
	_, err = time.ParseDuration(h.Get(HeaderOverallExecutionTime))
	require.NoError(t, err, h.Get(HeaderOverallExecutionTime))
	require.Equal(t, "true", h.Get(HeaderNewAllocation))
	guid := h.Get(HeaderSessionGUID)
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, guid)

	resp = e.exec("s1", map[string]any{"code": "print again"})
	require.Equal(t, http.StatusOK, resp.status)
	require.Equal(t, "false", resp.header.Get(HeaderNewAllocation))
	require.Equal(t, guid, resp.header.Get(HeaderSessionGUID))
	require.NotEmpty(t, resp.json(t)["id"])
	require.NotEqual(t, "my-op", resp.json(t)["id"])
}

func TestExecutionResultEncoding(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct {
		code    string
		jupyter bool
		want    any
	}{
		// The spec's examples (CodeExecution_Result_*): the same with and
		// without returnJupyterFormatExecutionResult.
		{"value 'nan' \"nan\"", false, "'nan'"},
		{"value 'nan' \"nan\"", true, "'nan'"},
		{"value nan", false, "nan"},
		{"value nan", true, "nan"},
		{"none", false, nil},
		{"none", true, nil},
		{"print 1", false, ""},
		{"print 1", true, ""},
		{"value 42 42", false, "42"},
		{"value 42 42", true, "42"},
		{"value True true", true, "True"},
		{"value 'abc' \"abc\"", true, "'abc'"},
		{"value {'a':1}", true, "{'a':1}"},
		{"image", false, map[string]any{"type": "image", "format": "png", "base64_data": "iVBORw0KGgo="}},
		{"image", true, map[string]any{"type": "image", "format": "png", "base64_data": "iVBORw0KGgo="}},
	}
	for _, tc := range cases {
		resp := e.exec("enc", map[string]any{"code": tc.code, "returnJupyterFormatExecutionResult": tc.jupyter})
		require.Equal(t, http.StatusOK, resp.status)
		r := result(resp.json(t))
		require.Contains(t, r, "executionResult")
		require.Equal(t, tc.want, r["executionResult"], "%q jupyter=%v", tc.code, tc.jupyter)
	}
}

func TestExecutionFailures(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct{ code, stderr string }{
		{"raise KeyError: 'sales_amount'", "KeyError: 'sales_amount'"},
		{"crash", runtime.MessageKernelRestarted},
		{"oom", runtime.MessageMemoryAborted},
	}
	for _, tc := range cases {
		m := e.run("fail", tc.code)
		require.Equal(t, "Failed", m["status"], tc.code)
		require.Contains(t, result(m)["stderr"], tc.stderr)
	}
	// The session keeps working.
	require.Equal(t, "Succeeded", e.run("fail", "print ok")["status"])
}

func TestExecutionTimeout(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxExecutionTimeout = time.Second })
	// 999 s is capped to the configured 1 s maximum.
	resp := e.exec("slow", map[string]any{"code": "sleep 1h", "timeoutInSeconds": 999})
	require.Equal(t, http.StatusOK, resp.status)
	m := resp.json(t)
	require.Equal(t, "Failed", m["status"])
	require.Contains(t, result(m)["stderr"], runtime.MessageTimedOut)
	require.Equal(t, "Succeeded", e.run("slow", "print alive")["status"])

	resp = e.exec("slow", map[string]any{"code": "print x", "timeoutInSeconds": -1})
	require.Equal(t, http.StatusBadRequest, resp.status)
	require.Equal(t, CodeValidationFailed, resp.errorCode(t))

	got, err := e.srv.timeout(nil)
	require.NoError(t, err)
	require.Equal(t, time.Second, got, "the default is capped by the maximum")
}

func TestExecuteDefaultsAndCaps(t *testing.T) {
	e := newEnv(t, nil)
	got, err := e.srv.timeout(nil)
	require.NoError(t, err)
	require.Equal(t, 120*time.Second, got)
	secs := int64(500)
	got, _ = e.srv.timeout(&secs)
	require.Equal(t, 220*time.Second, got)

	long := strings.Repeat("x", 5000)
	m := e.run("caps", "print "+long)
	require.Len(t, result(m)["stdout"], 4096)
	resp := e.exec("caps", map[string]any{"code": "print " + long, "outputStreamsMaxLength": 10})
	require.Equal(t, "xxxxxxxxxx", result(resp.json(t))["stdout"])
}

func TestExecuteBase64(t *testing.T) {
	e := newEnv(t, nil)
	code := base64.StdEncoding.EncodeToString([]byte("print decoded"))
	resp := e.exec("b64", map[string]any{"codeInputType": "InlineBase64", "code": code})
	require.Equal(t, "decoded\n", result(resp.json(t))["stdout"])
	resp = e.exec("b64", map[string]any{"codeInputType": "inlinebase64", "code": "!!!"})
	require.Equal(t, http.StatusBadRequest, resp.status)
}

func TestExecuteBadRequests(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct {
		name  string
		body  string
		ctype string
		code  string
	}{
		{"properties wrapper", `{"properties":{"codeInputType":"inline","executionType":"synchronous","code":"print 1"}}`, "application/json", CodePropertiesMissing},
		{"no code", `{"codeInputType":"Inline"}`, "application/json", CodePropertiesMissing},
		{"empty body", ``, "application/json", CodePropertiesMissing},
		{"empty code", `{"code":"  "}`, "application/json", CodePropertiesMissing},
		{"shell field", `{"code":"print 1","shellCommand":"ls"}`, "application/json", CodeRequestNotSupported},
		{"stdin", `{"code":"print 1","stdin":"x"}`, "application/json", CodeRequestNotSupported},
		{"bad json", `{"code":`, "application/json", CodeValidationFailed},
		{"wrong type", `{"code":42}`, "application/json", CodeValidationFailed},
		{"wrong content type", `{"code":"print 1"}`, "text/plain", CodeValidationFailed},
		{"bad input type", `{"code":"print 1","codeInputType":"File"}`, "application/json", CodeValidationFailed},
		{"bad execution type", `{"code":"print 1","executionType":"Later"}`, "application/json", CodeValidationFailed},
		{"bad stream length", `{"code":"print 1","outputStreamsMaxLength":-5}`, "application/json", CodeValidationFailed},
	}
	for _, tc := range cases {
		resp := e.do(req{method: http.MethodPost, path: "/executions", query: ident("bad"), body: strings.NewReader(tc.body), ctype: tc.ctype})
		require.Equal(t, http.StatusBadRequest, resp.status, "%s: %s", tc.name, resp.body)
		require.Equal(t, tc.code, resp.errorCode(t), tc.name)
	}
	resp := e.exec("bad", map[string]any{"code": "print 1"}, map[string]string{"operation-id": strings.Repeat("o", 300)})
	require.Equal(t, http.StatusBadRequest, resp.status)
	// None of it allocated a session or broke anything.
	require.Equal(t, 0, e.factory.live())
	require.Equal(t, "Succeeded", e.run("bad", "print fine")["status"])
}

func TestStateAcrossExecutions(t *testing.T) {
	e := newEnv(t, nil)
	e.run("state", "set x hello")
	require.Equal(t, "'hello'", result(e.run("state", "get x"))["executionResult"])
	m := e.run("other", "get x")
	require.Equal(t, "Failed", m["status"], "another session has its own state")
}

func TestAsyncExecutionAndPolling(t *testing.T) {
	e := newEnv(t, nil)
	resp := e.exec("async", map[string]any{"executionType": "Asynchronous", "code": "gate a1\nprint done"})
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	m := resp.json(t)
	require.Equal(t, "Running", m["status"])
	require.Equal(t, "Asynchronous", m["executionType"])
	require.NotContains(t, m, "result")
	id := m["id"].(string)
	require.Equal(t, id, resp.header.Get("operation-id"))
	require.Equal(t, "1", resp.header.Get("Retry-After"))
	require.Equal(t, "200", resp.header.Get("retry-after-ms"))

	loc, err := url.Parse(resp.header.Get("Operation-Location"))
	require.NoError(t, err)
	require.True(t, loc.IsAbs(), loc.String())
	require.Equal(t, strings.TrimPrefix(e.http.URL, "http://"), loc.Host)
	require.Equal(t, "/executions/"+id, loc.Path)
	require.Equal(t, testVersion, loc.Query().Get("api-version"))
	require.Equal(t, "async", loc.Query().Get("identifier"))

	poll := func() map[string]any {
		r := e.do(req{path: loc.Path, query: loc.Query()})
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		require.Equal(t, id, r.header.Get("operation-id"))
		return r.json(t)
	}
	require.Equal(t, "Running", poll()["status"])

	// A second async execution queues behind the first and sees its state.
	resp2 := e.exec("async", map[string]any{"executionType": "asynchronous", "code": "count"})
	require.Equal(t, http.StatusOK, resp2.status)
	id2 := resp2.json(t)["id"].(string)

	e.factory.open("a1")
	eventually(t, func() bool { return poll()["status"] == "Succeeded" }, "async execution to finish")
	require.Equal(t, "done\n", result(poll())["stdout"])
	eventually(t, func() bool {
		r := e.do(req{path: "/executions/" + id2, query: ident("async")}).json(t)
		return r["status"] == "Succeeded" && result(r)["stdout"] == "2\n"
	}, "second execution to run after the first")
	require.False(t, e.factory.overlap.Load())

	r := e.do(req{path: "/executions/nope", query: ident("async")})
	require.Equal(t, http.StatusNotFound, r.status)
	require.Equal(t, CodeExecutionNotFound, r.errorCode(t))
}

func TestOperationIDDeduplication(t *testing.T) {
	e := newEnv(t, nil)
	h := map[string]string{"operation-id": "retry-me"}
	first := e.exec("dedup", map[string]any{"code": "count"}, h)
	require.Equal(t, "1\n", result(first.json(t))["stdout"])
	again := e.exec("dedup", map[string]any{"code": "count"}, h)
	require.Equal(t, http.StatusOK, again.status)
	require.Equal(t, "1\n", result(again.json(t))["stdout"], "a retry returns the first answer instead of running again")
	require.Equal(t, "2\n", result(e.run("dedup", "count"))["stdout"])

	// Concurrent retries of a running execution all get the one result.
	h = map[string]string{"operation-id": "concurrent"}
	async := e.exec("dedup", map[string]any{"code": "gate dd\ncount", "executionType": "Asynchronous"}, h)
	require.Equal(t, http.StatusOK, async.status)
	var wg sync.WaitGroup
	outs := make([]string, 4)
	for i := range outs {
		wg.Go(func() {
			r := e.exec("dedup", map[string]any{"code": "gate dd\ncount"}, h)
			outs[i], _ = result(r.json(t))["stdout"].(string)
		})
	}
	e.factory.open("dd")
	wg.Wait()
	for _, o := range outs {
		require.Equal(t, "3\n", o)
	}
}

func TestExecutionHistoryIsBounded(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.ExecutionHistory = 3 })
	var ids []string
	for range 5 {
		ids = append(ids, e.run("hist", "print x")["id"].(string))
	}
	require.Equal(t, http.StatusNotFound, e.do(req{path: "/executions/" + ids[0], query: ident("hist")}).status)
	require.Equal(t, http.StatusNotFound, e.do(req{path: "/executions/" + ids[1], query: ident("hist")}).status)
	for _, id := range ids[2:] {
		require.Equal(t, http.StatusOK, e.do(req{path: "/executions/" + id, query: ident("hist")}).status)
	}
}

func TestShellPool(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.PoolType = PoolTypeShell })
	resp := e.exec("sh", map[string]any{"shellCommand": "echo hi\nexit 3"})
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	m := resp.json(t)
	require.Equal(t, "3", m["status"])
	r := result(m)
	require.Equal(t, "hi\n", r["stdout"])
	require.NotContains(t, r, "executionResult")
	require.Empty(t, resp.header.Get(HeaderContainerExecDuration), "timing headers are for Python pools only")

	m = e.exec("sh", map[string]any{"execCommandAndArgs": []string{"cat"}, "stdin": "from stdin"}).json(t)
	require.Equal(t, "0", m["status"])
	require.Equal(t, "from stdin", result(m)["stdout"])

	m = e.exec("sh", map[string]any{"shellCommand": "sleep 1h", "timeoutInSeconds": 1}).json(t)
	require.Equal(t, "-1", m["status"])
	require.Contains(t, result(m)["stderr"], runtime.MessageTimedOut)

	for body, code := range map[string]string{
		`{"code":"print 1"}`: CodePropertiesMissing,
		`{"codeInputType":"Inline","executionType":"Synchronous"}`: CodePropertiesMissing,
		`{"execCommandAndArgs":[]}`:                                CodePropertiesMissing,
		`{"shellCommand":"ls","execCommandAndArgs":["ls"]}`:        CodeValidationFailed,
		`{"properties":{"shellCommand":"ls"}}`:                     CodePropertiesMissing,
		`{"shellCommand":"echo a\u0000b"}`:                         CodeValidationFailed,
		`{"execCommandAndArgs":["echo","a\u0000b"]}`:               CodeValidationFailed,
	} {
		resp := e.do(req{method: http.MethodPost, path: "/executions", query: ident("sh"), body: strings.NewReader(body), ctype: "application/json"})
		require.Equal(t, http.StatusBadRequest, resp.status, body)
		require.Equal(t, code, resp.errorCode(t), body)
	}
	resp = e.do(req{method: http.MethodPost, path: "/code/execute", query: ident("sh"), version: V20240202Preview,
		body: strings.NewReader(`{"properties":{"code":"print 1"}}`), ctype: "application/json"})
	require.Equal(t, http.StatusBadRequest, resp.status)
	require.Equal(t, CodeRequestNotSupported, resp.errorCode(t))
}

func TestExecutionsRunOneAtATimePerSessionAndInParallelAcross(t *testing.T) {
	e := newEnv(t, nil)
	var wg sync.WaitGroup
	// Two sessions each blocked on the same gate: both must be running at
	// once, or opening the gate after both started would never happen.
	for _, id := range []string{"p1", "p2"} {
		wg.Go(func() {
			m := e.run(id, "gate both\nprint "+id)
			require.Equal(t, id+"\n", result(m)["stdout"])
		})
	}
	// Many executions in one session: serialised.
	for range 8 {
		wg.Go(func() { e.run("serial", "sleep 1ms\nprint s") })
	}
	eventually(t, func() bool {
		e.factory.mu.Lock()
		defer e.factory.mu.Unlock()
		n := 0
		for _, s := range e.factory.sessions {
			n += int(s.running.Load())
		}
		return n >= 2
	}, "both gated sessions to run at once")
	e.factory.open("both")
	wg.Wait()
	require.False(t, e.factory.overlap.Load(), "two executions overlapped in one session")
}

func TestAsyncSubmitStatusFollowsTheVersion(t *testing.T) {
	e := newEnv(t, nil)
	for version, want := range map[string]int{V20251002Preview: http.StatusOK, V20250202Preview: http.StatusAccepted, V20241002Preview: http.StatusAccepted} {
		resp := e.do(req{method: http.MethodPost, path: "/executions", query: ident("v"), version: version, ctype: "application/json",
			body: jsonBody(map[string]any{"executionType": "Asynchronous", "codeInputType": "Inline", "code": "print(1)"})})
		require.Equal(t, want, resp.status, "%s: %s", version, resp.body)
		require.NotEmpty(t, resp.header.Get("Operation-Location"), version)
	}
}

func TestExecutionCutShortByDeletingItsSession(t *testing.T) {
	for pool, want := range map[string]string{PoolTypePython: statusFailed, PoolTypeShell: "-1"} {
		t.Run(pool, func(t *testing.T) {
			e := newEnv(t, func(c *Config) { c.PoolType = pool })
			body := map[string]any{"code": "gate never"}
			if pool == PoolTypeShell {
				body = map[string]any{"shellCommand": "gate never"}
			}
			done := make(chan response, 1)
			go func() { done <- e.exec("cut", body) }()
			eventually(t, func() bool {
				e.factory.mu.Lock()
				defer e.factory.mu.Unlock()
				return e.factory.gates["never"] != nil
			}, "the execution to start")
			require.Equal(t, http.StatusNoContent, e.do(req{method: http.MethodDelete, path: "/session", query: ident("cut")}).status)
			resp := <-done
			require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
			m := resp.json(t)
			require.Equal(t, want, m["status"], "a shell pool's status is always an exit code")
			require.Contains(t, result(m)["stderr"], "the session was deleted")
		})
	}
}
