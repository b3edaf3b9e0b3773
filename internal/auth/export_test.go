package auth

import "time"

// SetThrottleClock sets the clock of s's login throttle.
func SetThrottleClock(s *Service, now func() time.Time) { s.throttle.now = now }
