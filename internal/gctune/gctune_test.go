package gctune

import (
	"runtime/debug"
	"testing"
)

func TestApply(t *testing.T) {
	prevPct, prevLim := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetGCPercent(prevPct); debug.SetMemoryLimit(prevLim) })

	env := map[string]string{}
	Apply(func(k string) string { return env[k] })
	if got := debug.SetGCPercent(100); got != Percent {
		t.Errorf("GC percent %d, want %d", got, Percent)
	}
	if got := debug.SetMemoryLimit(-1); got != MemoryLimit {
		t.Errorf("memory limit %d, want %d", got, MemoryLimit)
	}

	// The operator's GOGC and GOMEMLIMIT win: Apply leaves both alone.
	debug.SetGCPercent(50)
	debug.SetMemoryLimit(123 << 20)
	env["GOGC"], env["GOMEMLIMIT"] = "50", "123MiB"
	Apply(func(k string) string { return env[k] })
	if got := debug.SetGCPercent(100); got != 50 {
		t.Errorf("GC percent %d after GOGC=50, want 50", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 123<<20 {
		t.Errorf("memory limit %d after GOMEMLIMIT, want %d", got, 123<<20)
	}
}
