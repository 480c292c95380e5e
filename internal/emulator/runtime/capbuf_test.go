//go:build unix

package runtime

import (
	"os"
	"testing"
)

func TestCapBuffer(t *testing.T) {
	b := newCapBuffer(3)
	// "aé日x€": é and 日 arrive split across writes.
	for _, p := range [][]byte{[]byte("a\xc3"), []byte("\xa9\xe6"), []byte("\x97\xa5x\xe2\x82"), []byte("\xac")} {
		b.Write(p)
	}
	if b.String() != "aé日" || b.Full() != 5 {
		t.Errorf("kept %q full %d", b.String(), b.Full())
	}
	if b := newCapBuffer(0); b.max != defaultMaxOutput {
		t.Errorf("zero cap %d", b.max)
	}
	b = newCapBuffer(2)
	b.Write([]byte("\xffab"))
	if b.String() != "\uFFFDa" || b.Full() != 3 {
		t.Errorf("invalid utf-8: %q %d", b.String(), b.Full())
	}
}

func TestStreamSplitsAtMarkers(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	marker := "\x00end-marker\x00"
	s, startup := newStream(r, []byte(marker))
	// Markers split across writes still end an execution's output.
	w.Write([]byte("boot" + marker[:3]))
	w.Write([]byte(marker[3:]))
	<-waitDone(s)
	if startup.String() != "boot" {
		t.Errorf("startup %q", startup.String())
	}
	b, done := s.begin(100)
	w.Write([]byte("one " + marker[:5]))
	w.Write([]byte(marker[5:]))
	<-done
	if b.String() != "one " {
		t.Errorf("first %q", b.String())
	}
	b, done = s.begin(100)
	w.Write([]byte("two"))
	w.Close()
	<-done
	if b.String() != "two" {
		t.Errorf("after eof %q", b.String())
	}
	<-s.finished
	r.Close()
}

// waitDone returns the channel of the stream's current collection.
func waitDone(s *stream) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil {
		c := make(chan struct{})
		close(c)
		return c
	}
	return s.done
}
