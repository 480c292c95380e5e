package mcpserver

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// The handle note and progress messages word durations for a model as the
// toolkit's timeout texts do: whole minutes, or seconds rounded up; never
// Go's "1m30s".
func TestDurationWords(t *testing.T) {
	for d, want := range map[time.Duration]string{
		90 * time.Second:        "90 seconds",
		time.Minute:             "1 minute",
		30 * time.Minute:        "30 minutes",
		60 * time.Minute:        "60 minutes",
		time.Second:             "1 second",
		1500 * time.Millisecond: "2 seconds",
		61 * time.Minute / 2:    "1830 seconds",
	} {
		assert.Equal(t, want, durationWords(d), "%v", d)
	}
}
