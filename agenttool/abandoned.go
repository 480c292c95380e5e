package agenttool

import (
	"fmt"
	"time"

	"github.com/seed-f3fa2c9d/azsessions/internal/words"
)

// abandonedRuns is what runs the toolkit stopped waiting for (the host
// cancelled them, or the pool did not answer in time) may still hold of the
// sandbox: the pool cannot stop a run whose caller went away, and runs the
// session's next code after it.
type abandonedRuns struct {
	until time.Time // when the last of them ends at the latest
	runs  int       // how many may still be running or waiting
}

// pending is how long the abandoned runs may still hold the sandbox after
// now; when none may, they are forgotten.
func (a *abandonedRuns) pending(now time.Time) time.Duration {
	d := a.until.Sub(now)
	if d <= 0 {
		*a = abandonedRuns{}
		return 0
	}
	return d
}

// add records a run with the limit timeout, sent at start, that was
// abandoned: the pool runs it after those before it.
func (a *abandonedRuns) add(start time.Time, timeout time.Duration) {
	if a.until.Before(start) {
		a.until = start
	}
	a.until = a.until.Add(timeout)
	a.runs++
}

// what names the abandoned runs in a sentence: "An earlier run in this
// sandbox was", "3 earlier runs in this sandbox were".
func (a *abandonedRuns) what() string {
	if a.runs <= 1 {
		return "An earlier run in this sandbox was"
	}
	return fmt.Sprintf("%d earlier runs in this sandbox were", a.runs)
}

// maxWaitForAbandoned is the longest a run waits for abandoned runs before
// it gives up: one run's longest limit. A single cancelled run never takes
// longer, and a chain of them (a run cancelled while it waited for the one
// before) would otherwise make the next run wait their sum.
func (set settings) maxWaitForAbandoned() time.Duration { return set.maxTimeout }

// abandonedNote tells the model that a run waits for abandoned ones, how
// long at most, and what to do when it cannot wait that long.
func (s *Session) abandonedNote(pending, wait time.Duration) string {
	subject, object, change := "it", "it", "what it changes"
	if s.abandoned.runs > 1 {
		subject, object, change = "they", "them", "what they change"
	}
	head := fmt.Sprintf("%s cancelled before %s finished, but the sandbox may still be running %s, for up to %s more", s.abandoned.what(), subject, object, words.Seconds(pending))
	if wait >= pending {
		return fmt.Sprintf("%s: this run waits for %s, and %s (variables, files) may show here.", head, object, change)
	}
	return fmt.Sprintf("%s. This run waits for %s for at most %s, the longest a run may take; if the sandbox is still busy then, this run is reported as timed out, and it may still run after %s. reset_session stops them all (it deletes the sandbox: variables and files are lost).", head, object, words.Seconds(wait), object)
}
