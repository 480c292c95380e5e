// Package words says counts the way a sentence for a model does, so that
// the toolkit and the MCP server word them alike.
package words

import (
	"fmt"
	"strings"
	"time"
)

// Count is n and its noun, plural unless n is 1: "1 byte", "3 entries".
func Count(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, noun[:len(noun)-1])
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Seconds is d in whole seconds, rounded up: "1 second", "220 seconds".
func Seconds(d time.Duration) string {
	return Count(int64((d+time.Second-1)/time.Second), "second")
}
