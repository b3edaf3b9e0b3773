//go:build unix

package graph_test

import (
	"fmt"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/auth"
)

// cpuTime is the CPU time this process has used. The test server runs in
// this process, so the CPU time of a request measures its work without the
// noise of other processes on a busy machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestUnknownLoginAndWrongPasswordLookAlike: the same answer, and the same
// cost within a few milliseconds, with the production password hasher.
func TestUnknownLoginAndWrongPasswordLookAlike(t *testing.T) {
	h := auth.DefaultHasher()
	s, _ := apitest.NewWith(t, dialect.SQLite, apitest.Options{Hasher: &h,
		Auth: func(a *auth.Service) { a.SetThrottle(auth.ThrottleConfig{MaxPerLogin: 1000, MaxPerAddress: 1000}) }})
	const rounds = 11
	var cpuUnknown, cpuWrong, wallUnknown, wallWrong []time.Duration
	var bodyUnknown, bodyWrong string
	unknown := func(i int) {
		runtime.GC() // no collection of earlier garbage inside the measurement
		c := cpuTime()
		r, raw, d := loginFrom(t, s, fmt.Sprintf("nobody%d", i%3), "wrong-password", "")
		cpuUnknown, wallUnknown, bodyUnknown = append(cpuUnknown, cpuTime()-c), append(wallUnknown, d), raw
		if outcome(t, r) != refused {
			t.Fatal(raw)
		}
	}
	wrong := func() {
		runtime.GC()
		c := cpuTime()
		r, raw, d := loginFrom(t, s, "admin", "wrong-password", "")
		cpuWrong, wallWrong, bodyWrong = append(cpuWrong, cpuTime()-c), append(wallWrong, d), raw
		if outcome(t, r) != refused {
			t.Fatal(raw)
		}
	}
	// Interleaved, in alternating order, so that whatever else happens (GC,
	// other work) hits both alike; the throttle is out of the way.
	for i := 0; i < rounds; i++ {
		if i%2 == 0 {
			unknown(i)
			wrong()
		} else {
			wrong()
			unknown(i)
		}
	}
	if bodyUnknown != bodyWrong {
		t.Errorf("answers differ:\n%s\n%s", bodyUnknown, bodyWrong)
	}
	median := func(d []time.Duration) time.Duration { slices.Sort(d); return d[len(d)/2] }
	cu, cw := median(cpuUnknown), median(cpuWrong)
	t.Logf("median CPU time: unknown login %v, wrong password %v; wall time %v and %v",
		cu, cw, median(wallUnknown), median(wallWrong))
	if cw < 5*time.Millisecond {
		t.Fatalf("a refused login costs %v: is the password hasher the production one?", cw)
	}
	// Skipping the hash for unknown logins would make them ~100% cheaper;
	// the tolerance absorbs the jitter of a busy CI machine.
	if diff := (cu - cw).Abs(); diff > 5*time.Millisecond && diff > cw/5 {
		t.Errorf("unknown login costs %v, wrong password %v: more than a few ms apart", cu, cw)
	}
}
