package runtime

import (
	"context"
	"slices"
)

// Where nextInterp found an interpreter.
type interpSource int

const (
	fromReady    interpSource = iota // the ready pool
	fromRefill                       // a refill of the pool, handed on while the request waited
	fromOwnStart                     // a start of the request's own
)

// interpWaiter is a request waiting for an interpreter with none ready.
// The refills of the ready pool that a burst's first requests set off get
// the gate's slots before the rest of the burst has reached it; a refill
// that finishes while requests wait goes to the oldest of them, which then
// needs no start of its own, instead of into the pool while they all
// wait for their starts.
type interpWaiter struct {
	cancel context.CancelFunc // ends its wait at the gate
	ip     *interp            // set under PythonFactory.mu by handOnLocked
}

// nextInterp returns an unbound interpreter: a ready one, else the first of
// a refill handed on to this request and a start of its own.
func (f *PythonFactory) nextInterp(ctx context.Context) (*interp, interpSource, error) {
	if ip := f.takeReady(); ip != nil {
		return ip, fromReady, nil
	}
	return f.awaitInterp(ctx)
}

// awaitInterp waits for the gate to start an interpreter, and takes one a
// refill hands on (handOnLocked) if that comes first.
func (f *PythonFactory) awaitInterp(ctx context.Context) (*interp, interpSource, error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := &interpWaiter{cancel: cancel}
	f.mu.Lock()
	if ip := f.popReadyLocked(); ip != nil {
		// One was added since takeReady looked.
		f.mu.Unlock()
		f.refill()
		return ip, fromReady, nil
	}
	f.waiters = append(f.waiters, w)
	f.mu.Unlock()
	err := f.gate.acquire(wctx, true)
	f.mu.Lock()
	handed := w.ip
	if handed == nil {
		f.waiters = slices.DeleteFunc(f.waiters, func(x *interpWaiter) bool { return x == w })
	}
	f.mu.Unlock()
	if handed != nil {
		if err == nil {
			f.gate.release() // the slot came as it was handed on
		}
		if ctx.Err() != nil {
			f.putBack(handed)
			return nil, 0, f.gateErr(ctx.Err())
		}
		return handed, fromRefill, nil
	}
	if err != nil {
		return nil, 0, f.gateErr(err)
	}
	ip, err := f.startAcquired(ctx)
	f.gate.release()
	return ip, fromOwnStart, err
}

// handOnLocked gives ip, just started for the pool, to the oldest waiting
// request, or to the pool if none waits; it reports whether a request took
// it. f.mu is held.
func (f *PythonFactory) handOnLocked(ip *interp) bool {
	if len(f.waiters) == 0 {
		f.ready = append(f.ready, ip)
		return false
	}
	w := f.waiters[0]
	f.waiters = f.waiters[1:]
	w.ip = ip
	w.cancel()
	return true
}

// putBack returns an unbound interpreter handed to a request that gave up:
// to another waiting request or the pool, unless the factory is closed or
// the pool is full counting its starts under way (refill's count): the
// refill the hand-on set off is one of those, and adds to the pool
// whatever its size.
func (f *PythonFactory) putBack(ip *interp) {
	f.mu.Lock()
	keep := !f.closed && (len(f.waiters) > 0 || len(f.ready)+f.starting < f.want)
	if keep {
		f.handOnLocked(ip)
	}
	f.mu.Unlock()
	if !keep {
		ip.shutdown()
	}
}
