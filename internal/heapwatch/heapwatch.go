// Package heapwatch measures how much a test's work grows the heap, for the
// tests that prove a transfer streams instead of buffering.
package heapwatch

import (
	"runtime"
	"sync"
	"time"
)

// Watcher samples the heap every 20 ms from Start until Growth.
type Watcher struct {
	stop chan struct{}
	wg   sync.WaitGroup
	base uint64
	peak uint64
}

// Start collects garbage, takes the baseline and starts sampling.
func Start() *Watcher {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	w := &Watcher{stop: make(chan struct{}), base: ms.HeapInuse}
	w.wg.Go(func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			w.peak = max(w.peak, ms.HeapInuse, ms.HeapAlloc)
			select {
			case <-w.stop:
				return
			case <-tick.C:
			}
		}
	})
	return w
}

// Growth stops sampling and returns the peak heap above the baseline, in
// bytes. Call it once.
func (w *Watcher) Growth() uint64 {
	close(w.stop)
	w.wg.Wait()
	if w.peak < w.base {
		return 0
	}
	return w.peak - w.base
}
