package persisted

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCacheIsBoundedInBytes(t *testing.T) {
	ctx := context.Background()
	q := func(i int) string { return strings.Repeat("x", 90) + string(rune('a'+i)) }
	// Each entry is 64 (hash) + 91 bytes; the bound holds two.
	c := NewCache(2 * (64 + 91))
	c.Add(ctx, Hash(q(0)), q(0))
	c.Add(ctx, Hash(q(1)), q(1))
	if _, ok := c.Get(ctx, Hash(q(0))); !ok { // q(0) is now the most recent
		t.Fatal("q0 missing")
	}
	c.Add(ctx, Hash(q(2)), q(2))
	if _, ok := c.Get(ctx, Hash(q(1))); ok {
		t.Fatal("the least recently used document was not evicted")
	}
	for _, i := range []int{0, 2} {
		if got, ok := c.Get(ctx, Hash(q(i))); !ok || got != q(i) {
			t.Fatalf("q%d: %q %v", i, got, ok)
		}
	}
	if c.Len() != 2 {
		t.Fatalf("len %d", c.Len())
	}
	// A document larger than the whole cache is not kept (and evicts nothing).
	big := strings.Repeat("y", 1000)
	c.Add(ctx, Hash(big), big)
	if _, ok := c.Get(ctx, Hash(big)); ok || c.Len() != 2 {
		t.Fatalf("oversized document kept (len %d)", c.Len())
	}
}

func write(t *testing.T, v any) string {
	t.Helper()
	raw, ok := v.(string)
	if !ok {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		raw = string(b)
	}
	p := filepath.Join(t.TempDir(), "docs.json")
	if err := os.WriteFile(p, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadFormats(t *testing.T) {
	a, b := "query A { viewer { role } }", "mutation B { logout }"
	for name, v := range map[string]any{
		"codegen":  map[string]string{Hash(a): a, Hash(b): b},
		"prefixed": map[string]string{"sha256:" + Hash(a): a, Hash(b): b},
		"apollo": map[string]any{"format": "apollo-persisted-query-manifest", "version": 1, "operations": []any{
			map[string]any{"id": Hash(a), "name": "A", "type": "query", "body": a},
			map[string]any{"id": Hash(b), "name": "B", "type": "mutation", "body": b},
		}},
	} {
		d, err := Load(write(t, v))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d.Len() != 2 || !d.Trusted(a) || !d.Trusted(b) || d.Trusted(a+" ") {
			t.Fatalf("%s: trusted texts wrong", name)
		}
		for _, id := range []string{Hash(a), "sha256:" + Hash(a)} {
			if q, ok := d.Lookup(id); !ok || q != a {
				t.Fatalf("%s: lookup %s: %q %v", name, id, q, ok)
			}
		}
		if _, ok := d.Lookup(Hash("query C { viewer { role } }")); ok {
			t.Fatalf("%s: unknown hash found", name)
		}
	}
}

func TestLoadRefusesBadFiles(t *testing.T) {
	a := "query A { viewer { role } }"
	for name, c := range map[string]struct {
		v    any
		want string
	}{
		"wrong hash":       {map[string]string{Hash(a + "x"): a}, "is not the SHA-256"},
		"wrong apollo id":  {map[string]any{"format": "apollo-persisted-query-manifest", "version": 1, "operations": []any{map[string]any{"id": "abc", "body": a}}}, "is not the SHA-256"},
		"unknown format":   {map[string]any{"format": "other", "version": 1}, "unknown manifest format"},
		"empty document":   {map[string]string{Hash(""): ""}, "is empty"},
		"not a string":     {`{"abc": 1}`, "not a string"},
		"not JSON":         {"query A { viewer { role } }", "not a JSON object"},
		"no documents":     {"{}", "no documents"},
		"duplicate prefix": {map[string]string{Hash(a): a, "sha256:" + Hash(a): a}, "appears twice"},
	} {
		_, err := Load(write(t, c.v))
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
}
