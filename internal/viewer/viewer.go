// Package viewer says who is asking: the role and accounts of the principal
// behind a request. It is carried in the request context under a private key.
package viewer

import "context"

// Role of a principal, as in the API's Role enum.
type Role string

const (
	Admin     Role = "ADMIN"
	Reseller  Role = "RESELLER"
	Customer  Role = "CUSTOMER"
	PanelUser Role = "PANEL_USER"
)

// Viewer is the authenticated principal of a request.
type Viewer struct {
	Role Role
	// AdministratorID is set for the administrator.
	AdministratorID int
	// ResellerID is the reseller account: the reseller itself, or the account of
	// a reseller's panel user.
	ResellerID int
	// CustomerID is the customer account: the customer itself, or the account of
	// a customer's panel user.
	CustomerID int
	// OwnerResellerID is the reseller owning CustomerID (0: the administrator).
	OwnerResellerID int
	// PanelUserID and PanelUserRole are set for panel users.
	PanelUserID   int
	PanelUserRole string
	// CredentialID and SessionID identify the login behind the request.
	CredentialID int
	SessionID    int
	// ReadOnly is set for read-only API tokens: every mutation is refused.
	ReadOnly bool
	// Login is the principal's login name, for audit events.
	Login string
}

// AccountID is the ID of the account the viewer acts for.
func (v *Viewer) AccountID() int {
	switch {
	case v.CustomerID != 0:
		return v.CustomerID
	case v.ResellerID != 0:
		return v.ResellerID
	default:
		return v.AdministratorID
	}
}

// Is reports whether the viewer has one of roles.
func (v *Viewer) Is(roles ...Role) bool {
	if v == nil {
		return false
	}
	for _, r := range roles {
		if v.Role == r {
			return true
		}
	}
	return false
}

type ctxKey struct{}

// NewContext returns ctx carrying v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// FromContext returns the viewer of ctx, or nil.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(ctxKey{}).(*Viewer)
	return v
}
