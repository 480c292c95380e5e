package runtime

import "strings"

// defaultMaxOutput is the service's default outputStreamsMaxLength.
const defaultMaxOutput = 4096

// MaxOutputLimit is the largest cap, in characters, the emulator keeps of
// one stream of one execution (4 Mi, a thousand times the service's
// default); larger Request.MaxOutput values are cut to it. It bounds what a
// session's code can make the emulator hold: 16 MiB of UTF-8 per stream.
const MaxOutputLimit = 4 << 20

// capBuffer keeps the first max characters written to it and counts the
// rest without storing them, so a command that prints gigabytes costs the
// emulator only the cap. Characters are counted as UTF-8 code points (what
// Python's len() and the service's cap count), by counting bytes that start
// a sequence; that way a code point split across two writes is counted once.
type capBuffer struct {
	max  int
	kept []byte
	// keptRunes counts the code points in kept.
	keptRunes int
	// full counts every code point written, kept or not.
	full int
	// stopped is set once a code point past the cap has started; from then
	// on nothing more is kept, not even continuation bytes.
	stopped bool
}

func newCapBuffer(max int) *capBuffer {
	if max <= 0 {
		max = defaultMaxOutput
	}
	max = min(max, MaxOutputLimit)
	return &capBuffer{max: max}
}

// isRuneStart reports whether b begins a UTF-8 sequence (or is a stray byte,
// which then counts as one character of its own).
func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Write records p; it never fails, so it can sit behind any reader loop.
func (b *capBuffer) Write(p []byte) (int, error) {
	i := 0
	if !b.stopped {
		for ; i < len(p); i++ {
			if isRuneStart(p[i]) {
				if b.keptRunes == b.max {
					b.stopped = true
					break
				}
				b.keptRunes++
				b.full++
			}
		}
		b.kept = append(b.kept, p[:i]...)
	}
	for _, c := range p[i:] {
		if isRuneStart(c) {
			b.full++
		}
	}
	return len(p), nil
}

// String returns the kept prefix. Invalid UTF-8 is replaced so the HTTP
// layer can put it in JSON as is.
func (b *capBuffer) String() string { return strings.ToValidUTF8(string(b.kept), "\uFFFD") }

// Full returns how many characters were written in total.
func (b *capBuffer) Full() int { return b.full }
