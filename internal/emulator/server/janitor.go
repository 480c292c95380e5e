package server

import "time"

// startJanitor deletes idle sessions every JanitorInterval. Cooldown is a
// pool setting of minutes on the service; the interval is separate so that
// tests can run the whole expiry path in milliseconds.
func (s *Server) startJanitor() {
	s.goBackground(func() {
		t := time.NewTicker(s.cfg.JanitorInterval)
		defer t.Stop()
		for {
			select {
			case <-s.ctx.Done():
				return
			case now := <-t.C:
				s.store.expire(now)
			}
		}
	})
}
