package idempotency

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hostpanel/panel/internal/viewer"
)

func TestValidKey(t *testing.T) {
	for _, k := range []string{"a", "0b8e8a8e-6f3c-4d4e-9d1e-6f1c1c7f2f10", "with space ~!", strings.Repeat("x", MaxKeyLength)} {
		if msg := ValidKey(k); msg != "" {
			t.Errorf("%q refused: %s", k, msg)
		}
	}
	for _, k := range []string{"", strings.Repeat("x", MaxKeyLength+1), "tab\there", "clé", "nul\x00", "del\x7f"} {
		if ValidKey(k) == "" {
			t.Errorf("%q accepted", k)
		}
	}
}

func TestRequestHash(t *testing.T) {
	h := func(doc, op string, vars map[string]any) string {
		t.Helper()
		s, err := RequestHash("admin:1:c1:u0", "key-1", doc, op, vars)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := h("mutation { x }", "", map[string]any{"a": 1, "b": []any{"x", "y"}})
	if again := h("mutation { x }", "", map[string]any{"b": []any{"x", "y"}, "a": 1}); again != base {
		t.Error("variable order changes the hash")
	}
	for name, other := range map[string]string{
		"document":       h("mutation { y }", "", map[string]any{"a": 1, "b": []any{"x", "y"}}),
		"operation name": h("mutation { x }", "X", map[string]any{"a": 1, "b": []any{"x", "y"}}),
		"variable value": h("mutation { x }", "", map[string]any{"a": 2, "b": []any{"x", "y"}}),
		"list order":     h("mutation { x }", "", map[string]any{"a": 1, "b": []any{"y", "x"}}),
		"no variables":   h("mutation { x }", "", nil),
	} {
		if other == base {
			t.Errorf("a different %s gives the same hash", name)
		}
	}
	// The parts cannot run into each other.
	if h(`a","b`, "", nil) == h("a", "b", nil) {
		t.Error("document and operation name are ambiguous")
	}
}

// TestRequestHashOfPasswords: a request naming a password is not stored as
// a fast SHA-256 that could be brute-forced offline: it is argon2id (salted
// with the principal and the key), still the same for the same request,
// principal and key, and different for another password.
func TestRequestHashOfPasswords(t *testing.T) {
	const doc = "mutation($id: ID!, $pw: String!) { updateCustomerLogin(input: {id: $id, newPassword: $pw}) { userErrors { code } } }"
	h := func(principal, key string, vars map[string]any) string {
		t.Helper()
		s, err := RequestHash(principal, key, doc, "", vars)
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 64 {
			t.Fatalf("hash of %d characters, the column holds 64", len(s))
		}
		return s
	}
	vars := map[string]any{"id": "Q3VzdG9tZXI6MQ==", "pw": "correct horse battery"}
	base := h("admin:1:c1:u0", "k", vars)
	canon, _ := json.Marshal([]any{doc, "", json.RawMessage(must(json.Marshal(vars)))})
	if fast := sha256.Sum256(canon); hex.EncodeToString(fast[:]) == base {
		t.Fatal("a request with a password is hashed with plain SHA-256")
	}
	if h("admin:1:c1:u0", "k", vars) != base {
		t.Error("the same request hashes differently")
	}
	if h("admin:1:c1:u0", "k", map[string]any{"id": "Q3VzdG9tZXI6MQ==", "pw": "correct horse battery!"}) == base {
		t.Error("another password gives the same hash")
	}
	if h("admin:1:c1:u0", "other", vars) == base || h("reseller:2:c2:u0", "k", vars) == base {
		t.Error("the hash is not salted with the principal and the key")
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestPrincipal(t *testing.T) {
	seen := map[string]string{}
	for name, v := range map[string]*viewer.Viewer{
		"admin":                 {Role: viewer.Admin, AdministratorID: 1, CredentialID: 1},
		"reseller 1":            {Role: viewer.Reseller, ResellerID: 1, CredentialID: 2},
		"customer 1":            {Role: viewer.Customer, CustomerID: 1, CredentialID: 3},
		"reseller 1 panel user": {Role: viewer.PanelUser, ResellerID: 1, PanelUserID: 7, CredentialID: 4},
	} {
		p := Principal(v)
		if prev, dup := seen[p]; dup {
			t.Errorf("%s and %s share principal %s", name, prev, p)
		}
		seen[p] = name
	}
	a := &viewer.Viewer{Role: viewer.Customer, CustomerID: 5, CredentialID: 9, SessionID: 1}
	b := *a
	b.SessionID = 2
	if Principal(a) != Principal(&b) {
		t.Error("two sessions of one login have different principals")
	}
}
