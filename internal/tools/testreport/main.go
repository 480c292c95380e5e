// Command testreport reads `go test -json` from stdin and prints what a
// person wants from a test run: one line per package, the output of every
// failed test, and at the end the list of skipped tests with their reasons.
// It exits 1 when a test or package failed, so CI cannot hide a red run
// behind a pipe.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of test2json output.
type event struct {
	Action     string
	Package    string
	ImportPath string // build events name the package here
	Test       string
	Output     string
	Elapsed    float64
}

type key struct{ pkg, test string }

func main() {
	failed, err := report(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// report copies the run's summary from r to w and reports whether anything
// failed. Lines that are not JSON (build errors, vet output) are copied as
// they are.
func report(r io.Reader, w io.Writer) (failed bool, err error) {
	output := map[key]*strings.Builder{}
	skips := map[key]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var ev event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &ev) != nil {
			fmt.Fprintln(w, string(line))
			continue
		}
		k := key{ev.Package, ev.Test}
		switch ev.Action {
		case "output":
			b := output[k]
			if b == nil {
				b = &strings.Builder{}
				output[k] = b
			}
			b.WriteString(ev.Output)
		case "build-output":
			fmt.Fprint(w, ev.Output)
		case "build-fail":
			failed = true
			fmt.Fprintf(w, "FAIL %s [build failed]\n", ev.ImportPath)
		case "skip":
			if ev.Test != "" {
				skips[k] = skipReason(output[k])
			}
			delete(output, k)
		case "pass":
			delete(output, k)
			if ev.Test == "" {
				fmt.Fprintf(w, "ok   %s %.1fs\n", ev.Package, ev.Elapsed)
			}
		case "fail":
			failed = true
			if b := output[k]; b != nil {
				fmt.Fprint(w, b.String())
			}
			delete(output, k)
			if ev.Test == "" {
				fmt.Fprintf(w, "FAIL %s %.1fs\n", ev.Package, ev.Elapsed)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return true, err
	}
	printSkips(w, skips)
	return failed, nil
}

// skipReason finds the message a test gave to t.Skip in its output.
func skipReason(out *strings.Builder) string {
	if out == nil {
		return ""
	}
	var reason string
	for _, l := range strings.Split(out.String(), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- SKIP") {
			continue
		}
		reason = l
	}
	return reason
}

func printSkips(w io.Writer, skips map[key]string) {
	keys := make([]key, 0, len(skips))
	for k := range skips {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].pkg != keys[j].pkg {
			return keys[i].pkg < keys[j].pkg
		}
		return keys[i].test < keys[j].test
	})
	fmt.Fprintf(w, "\n%d skipped tests\n", len(keys))
	for _, k := range keys {
		fmt.Fprintf(w, "SKIP %s %s: %s\n", k.pkg, k.test, skips[k])
	}
}
