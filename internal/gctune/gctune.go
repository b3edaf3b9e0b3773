// Package gctune sets the server's garbage collector defaults.
package gctune

import (
	"runtime/debug"
)

// Defaults: the GraphQL executor allocates a few small objects per field of
// a response (bench/: about 1,600 per customer of a tree page), so with Go's
// default GOGC=100 the collector ran for about a third of the CPU of a
// customer tree page. At 400 the heap may grow to five times what is live
// (live is tens of MB) before a cycle; the soft limit makes the collector
// work harder instead of letting the heap pass it.
const (
	Percent     = 400
	MemoryLimit = 1 << 30 // 1 GiB
)

// Apply sets the defaults unless the operator set GOGC or GOMEMLIMIT (Go's
// own variables, which the runtime has already applied).
func Apply(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(Percent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
}
