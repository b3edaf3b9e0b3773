// Package types holds the small value types shared by the ent schema, the
// GraphQL layer and the domain packages: statuses, roles, permissions.
package types

import (
	"fmt"
	"io"
	"strconv"
)

// enumString marshals a string enum for gqlgen.
func writeQuoted(w io.Writer, s string) { _, _ = io.WriteString(w, strconv.Quote(s)) }

func unmarshalEnum(v any, valid []string, name string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%s must be a string", name)
	}
	for _, x := range valid {
		if x == s {
			return s, nil
		}
	}
	return "", fmt.Errorf("%q is not a valid %s", s, name)
}

// Status of an account or subscription.
type Status string

const (
	StatusActive    Status = "ACTIVE"
	StatusSuspended Status = "SUSPENDED"
)

// Values implements ent's EnumValues.
func (Status) Values() []string { return []string{string(StatusActive), string(StatusSuspended)} }

// MarshalGQL implements graphql.Marshaler.
func (s Status) MarshalGQL(w io.Writer) { writeQuoted(w, string(s)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (s *Status) UnmarshalGQL(v any) error {
	x, err := unmarshalEnum(v, Status("").Values(), "Status")
	*s = Status(x)
	return err
}

// PlanSync says whether a subscription follows its plan.
type PlanSync string

const (
	PlanSynced PlanSync = "SYNCED"
	PlanLocked PlanSync = "LOCKED"
	PlanCustom PlanSync = "CUSTOM"
)

// Values implements ent's EnumValues.
func (PlanSync) Values() []string {
	return []string{string(PlanSynced), string(PlanLocked), string(PlanCustom)}
}

// MarshalGQL implements graphql.Marshaler.
func (s PlanSync) MarshalGQL(w io.Writer) { writeQuoted(w, string(s)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (s *PlanSync) UnmarshalGQL(v any) error {
	x, err := unmarshalEnum(v, PlanSync("").Values(), "PlanSync")
	*s = PlanSync(x)
	return err
}

// PanelUserRole is the role of a panel user inside its account.
type PanelUserRole string

const (
	PanelUserAdmin      PanelUserRole = "ADMIN"
	PanelUserWebmaster  PanelUserRole = "WEBMASTER"
	PanelUserAccountant PanelUserRole = "ACCOUNTANT"
)

// Values implements ent's EnumValues.
func (PanelUserRole) Values() []string {
	return []string{string(PanelUserAdmin), string(PanelUserWebmaster), string(PanelUserAccountant)}
}

// MarshalGQL implements graphql.Marshaler.
func (s PanelUserRole) MarshalGQL(w io.Writer) { writeQuoted(w, string(s)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (s *PanelUserRole) UnmarshalGQL(v any) error {
	x, err := unmarshalEnum(v, PanelUserRole("").Values(), "PanelUserRole")
	*s = PanelUserRole(x)
	return err
}

// Permission granted by a plan or subscription.
type Permission string

// AllPermissions lists every permission in schema order.
func AllPermissions() []string {
	return []string{"MANAGE_DNS", "MANAGE_HOSTING", "MANAGE_PHP", "MANAGE_SUBDOMAINS", "MANAGE_DOMAINS",
		"MANAGE_MAIL", "MANAGE_DATABASES", "MANAGE_FTP", "MANAGE_CRONTAB", "SSH_ACCESS", "MANAGE_BACKUPS",
		"INSTALL_APPLICATIONS"}
}

// MarshalGQL implements graphql.Marshaler.
func (p Permission) MarshalGQL(w io.Writer) { writeQuoted(w, string(p)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (p *Permission) UnmarshalGQL(v any) error {
	x, err := unmarshalEnum(v, AllPermissions(), "Permission")
	*p = Permission(x)
	return err
}

// DescriptionSide says whose note a description is.
type DescriptionSide string

const (
	SideAdmin    DescriptionSide = "ADMIN"
	SideReseller DescriptionSide = "RESELLER"
)

// Values implements ent's EnumValues.
func (DescriptionSide) Values() []string { return []string{string(SideAdmin), string(SideReseller)} }

// SessionKind separates interactive sessions from named API tokens.
type SessionKind string

const (
	SessionLogin SessionKind = "SESSION"
	SessionAPI   SessionKind = "API_TOKEN"
	SessionReset SessionKind = "PASSWORD_RESET"
)

// Values implements ent's EnumValues.
func (SessionKind) Values() []string {
	return []string{string(SessionLogin), string(SessionAPI), string(SessionReset)}
}

// MarshalGQL implements graphql.Marshaler.
func (s DescriptionSide) MarshalGQL(w io.Writer) { writeQuoted(w, string(s)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (s *DescriptionSide) UnmarshalGQL(v any) error {
	x, err := unmarshalEnum(v, DescriptionSide("").Values(), "DescriptionSide")
	*s = DescriptionSide(x)
	return err
}

// MarshalGQL implements graphql.Marshaler.
func (s SessionKind) MarshalGQL(w io.Writer) { writeQuoted(w, string(s)) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (s *SessionKind) UnmarshalGQL(v any) error {
	x, err := unmarshalEnum(v, SessionKind("").Values(), "SessionKind")
	*s = SessionKind(x)
	return err
}
