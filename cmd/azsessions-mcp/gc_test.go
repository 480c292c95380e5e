package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestGCTarget: with GOGC unset the command raises the collector's target
// to defaultGCPercent; with GOGC set (off included) it leaves the
// runtime's setting alone.
func TestGCTarget(t *testing.T) {
	prev := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(prev) })

	for _, gogc := range []string{"50", "off"} {
		tuneGC(func(k string) string {
			if k == "GOGC" {
				return gogc
			}
			return ""
		})
		assert.Equal(t, 100, debug.SetGCPercent(100), "GOGC=%s: the runtime's setting stands", gogc)
	}

	tuneGC(noEnv)
	assert.Equal(t, defaultGCPercent, debug.SetGCPercent(100), "GOGC unset")
}
