package auth_test

import (
	"context"
	"io"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/db"
	"github.com/hostpanel/panel/internal/dbtest"
	"github.com/hostpanel/panel/internal/httpx"
)

// TestThrottleWindow: the limit holds for the window and lifts after it,
// and a success prunes the rows of old windows.
func TestThrottleWindow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		client := dbtest.Open(t, d, nil)
		s := auth.NewService(client, auth.FastHasher(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		s.SetThrottle(auth.ThrottleConfig{Window: 10 * time.Minute, MaxPerLogin: 2, MaxPerAddress: 50})
		now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
		auth.SetThrottleClock(s, func() time.Time { return now })
		ctx := httpx.WithClientIP(context.Background(), netip.MustParseAddr("203.0.113.1"))
		attempt := func() error {
			_, _, err := s.Login(ctx, "ghost", "pw")
			return err
		}
		limited := func(err error) bool {
			re, ok := apperr.AsRequest(err)
			return ok && re.Code == apperr.CodeRateLimited
		}
		for i := 0; i < 2; i++ {
			if err := attempt(); limited(err) || err == nil {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		if err := attempt(); !limited(err) {
			t.Fatalf("third attempt: %v, want RATE_LIMITED", err)
		}
		now = now.Add(9 * time.Minute)
		if err := attempt(); !limited(err) {
			t.Fatalf("within the window: %v, want RATE_LIMITED", err)
		}
		now = now.Add(2 * time.Minute)
		if err := attempt(); limited(err) {
			t.Fatalf("next window: %v", err)
		}
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		rows, err := client.LoginThrottle.Query().All(sys)
		if err != nil || len(rows) != 2 {
			t.Fatalf("rows %v %v", rows, err)
		}
		for _, r := range rows {
			if r.Failures != 1 {
				t.Errorf("bucket %s restarted at %d, want 1", r.Bucket, r.Failures)
			}
		}
		// A success prunes the rows of past windows.
		if _, err := db.EnsureAdmin(context.Background(), client, auth.FastHasher(), "admin-password-1"); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		if _, _, err := s.Login(ctx, "admin", "admin-password-1"); err != nil {
			t.Fatal(err)
		}
		if n, _ := client.LoginThrottle.Query().Count(sys); n != 0 {
			t.Fatalf("%d rows of past windows left after a success", n)
		}
	})
}
