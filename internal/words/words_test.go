package words

import (
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int64
		noun string
		want string
	}{
		{1, "entry", "1 entry"},
		{0, "entry", "0 entries"},
		{3, "byte", "3 bytes"},
	} {
		if got := Count(c.n, c.noun); got != c.want {
			t.Errorf("Count(%d, %q) = %q, want %q", c.n, c.noun, got, c.want)
		}
	}
}

func TestSeconds(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Second:                       "1 second",
		90 * time.Second:                  "90 seconds",
		time.Second + time.Millisecond:    "2 seconds",
		220*time.Second - time.Nanosecond: "220 seconds",
	} {
		if got := Seconds(d); got != want {
			t.Errorf("Seconds(%v) = %q, want %q", d, got, want)
		}
	}
}
