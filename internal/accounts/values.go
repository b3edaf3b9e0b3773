package accounts

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/types"
)

// i64 widens an optional API Int to the stored type.
func i64(v *int) *int64 {
	if v == nil {
		return nil
	}
	x := int64(*v)
	return &x
}

// checkLimits reports negative limits (nil is unlimited, 0 is none).
func checkLimits(errs *apperr.List, path []string, vs ...*int) {
	for _, v := range vs {
		if v != nil && *v < 0 {
			errs.Add(apperr.New(apperr.Invalid, "limits cannot be negative", path...))
			return
		}
	}
}

// Permissions returns ps de-duplicated in schema order (never nil).
func Permissions(ps []types.Permission) []types.Permission {
	out := []types.Permission{}
	for _, p := range types.AllPermissions() {
		if slices.Contains(ps, types.Permission(p)) {
			out = append(out, types.Permission(p))
		}
	}
	return out
}

// Applications validates application names: 1-64 characters of
// [a-z0-9._-], de-duplicated and sorted (never nil).
func Applications(errs *apperr.List, apps []string, path ...string) []string {
	out := []string{}
	for i, a := range apps {
		a = strings.ToLower(strings.TrimSpace(a))
		ok := a != "" && len(a) <= 64
		for _, r := range a {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
				ok = false
			}
		}
		if !ok {
			errs.Add(apperr.New(apperr.Invalid, fmt.Sprintf("%q is not a valid application name", apps[i]),
				append(append([]string{}, path...), apperr.Index(i))...))
			continue
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}
