package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/credential"
	"github.com/hostpanel/panel/ent/session"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/events"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/types"
	"github.com/hostpanel/panel/internal/validate"
	"github.com/hostpanel/panel/internal/viewer"
)

// ResetTTL is how long a password-reset token is valid.
const ResetTTL = time.Hour

// resetPrefix marks password-reset tokens.
const resetPrefix = "pnlr_"

// ChangePasswordInput is the input of changePassword.
type ChangePasswordInput struct {
	CurrentPassword string
	NewPassword     string
}

// RequestPasswordResetInput is the input of requestPasswordReset.
type RequestPasswordResetInput struct {
	Login string
	Email string
}

// ResetPasswordInput is the input of resetPassword.
type ResetPasswordInput struct {
	Token       string
	NewPassword string
}

// PasswordReset is what a Notifier delivers to the account's owner: the
// single-use token that resetPassword takes.
type PasswordReset struct {
	Login     string
	Email     string
	Token     string
	ExpiresAt time.Time
}

// Notifier delivers password-reset tokens (by mail, a queue, a webhook).
// Notify runs after the token is committed; an error is logged, and the
// requester gets the same answer as always.
type Notifier interface {
	Notify(ctx context.Context, r PasswordReset) error
}

// LogNotifier is the default Notifier: it writes the reset to the log, for
// an operator to hand on (and for development).
type LogNotifier struct{ Log *slog.Logger }

// Notify logs r.
func (n LogNotifier) Notify(ctx context.Context, r PasswordReset) error {
	n.Log.InfoContext(ctx, "password reset requested", "login", r.Login, "email", r.Email,
		"token", r.Token, "expires_at", r.ExpiresAt)
	return nil
}

// SetNotifier replaces the Notifier of password resets (default: LogNotifier
// on the service's logger). Call it before serving.
func (s *Service) SetNotifier(n Notifier) { s.notifier = n }

func (s *Service) notify() Notifier {
	if s.notifier == nil {
		return LogNotifier{Log: s.log}
	}
	return s.notifier
}

// weak turns a password policy violation into a WEAK_PASSWORD user error at
// field.
func weak(err error, field string) error {
	var ve *validate.Error
	if errors.As(err, &ve) {
		return apperr.New(apperr.WeakPassword, ve.Message, field)
	}
	return err
}

// ChangePassword sets a new password for the principal of ctx after checking
// its current one, and ends every other session and API token of it; the
// session of the request stays.
func (s *Service) ChangePassword(ctx context.Context, in ChangePasswordInput) error {
	v := viewer.FromContext(ctx)
	if v == nil || v.CredentialID == 0 {
		return apperr.Unauthenticated()
	}
	sys := system(ctx)
	cred, err := s.client.Credential.Get(sys, v.CredentialID)
	if err != nil {
		return err
	}
	ok, err := Verify(cred.PasswordHash, in.CurrentPassword)
	if err != nil {
		return err
	}
	if !ok {
		err := audit.Record(ctx, s.client, audit.Event{
			Action:  "auth.password_change_refused",
			Targets: []int{principalID(v)},
			Summary: cred.Login + " tried to change its password with a wrong current password",
			Failed:  true,
		})
		if err != nil {
			return err
		}
		return apperr.New(apperr.Invalid, "the current password is wrong", "currentPassword")
	}
	if err := validate.Password(in.NewPassword, cred.Login); err != nil {
		return weak(err, "newPassword")
	}
	hash, err := s.hasher.Hash(in.NewPassword)
	if err != nil {
		return err
	}
	return txn.Run(ctx, s.client, func(c *ent.Client) error {
		err := c.Credential.UpdateOneID(cred.ID).SetPasswordHash(hash).SetPasswordChangedAt(s.now()).Exec(sys)
		if err != nil {
			return err
		}
		n, err := c.Session.Delete().
			Where(session.CredentialID(cred.ID), session.IDNEQ(v.SessionID)).
			Exec(sys)
		if err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action:  "auth.password_change",
			Targets: []int{principalID(v)},
			Types:   events.Credential(kindOf(v), false, true),
			Summary: fmt.Sprintf("%s changed its password (%d other sessions and tokens ended)", cred.Login, n),
		})
	})
}

// account is what password recovery needs to know of a login.
type account struct {
	id, credentialID int
	login, email     string
	// scope are the resellers whose scope the account is in.
	scope []int
	// kind names the account's type as webhook event types do
	// ("customer", "reseller", "panel_user", "administrator").
	kind string
}

// kindOf is the kind of the account of v (see account.kind).
func kindOf(v *viewer.Viewer) string {
	switch {
	case v.PanelUserID != 0:
		return "panel_user"
	case v.Is(viewer.Customer):
		return "customer"
	case v.Is(viewer.Reseller):
		return "reseller"
	}
	return "administrator"
}

// accountOf loads the account behind a credential (whatever its status).
func accountOf(ctx context.Context, c *ent.Client, where ...func(*ent.CredentialQuery)) (*account, error) {
	q := c.Credential.Query().
		WithAdministrator().WithReseller().WithCustomer().
		WithPanelUser(func(q *ent.PanelUserQuery) { q.WithCustomer() })
	for _, w := range where {
		w(q)
	}
	cred, err := q.Only(ctx)
	if err != nil {
		return nil, err
	}
	a := &account{credentialID: cred.ID, login: cred.Login}
	e := cred.Edges
	switch {
	case e.Administrator != nil:
		a.id, a.email, a.kind = e.Administrator.ID, e.Administrator.Email, "administrator"
	case e.Reseller != nil:
		a.id, a.email, a.scope, a.kind = e.Reseller.ID, e.Reseller.Email, []int{e.Reseller.ID}, "reseller"
	case e.Customer != nil:
		a.id, a.email, a.kind = e.Customer.ID, e.Customer.Email, "customer"
		if r := e.Customer.ResellerID; r != nil {
			a.scope = []int{*r}
		}
	case e.PanelUser != nil:
		pu := e.PanelUser
		a.id, a.email, a.kind = pu.ID, pu.Email, "panel_user"
		switch {
		case pu.ResellerID != nil:
			a.scope = []int{*pu.ResellerID}
		case pu.Edges.Customer != nil && pu.Edges.Customer.ResellerID != nil:
			a.scope = []int{*pu.Edges.Customer.ResellerID}
		}
	default:
		return nil, &ent.NotFoundError{}
	}
	return a, nil
}

// RequestPasswordReset hands a single-use reset token to the Notifier when
// login and email name the same account. Its answer is the same whether or
// not they do (SPEC 3.2), so it cannot be used to discover accounts; the
// audit log, which only the administrator and the account's reseller read,
// records which it was.
func (s *Service) RequestPasswordReset(ctx context.Context, in RequestPasswordResetInput) error {
	login := strings.ToLower(strings.TrimSpace(in.Login))
	email := strings.TrimSpace(in.Email)
	sys := system(ctx)
	a, err := accountOf(sys, s.client, func(q *ent.CredentialQuery) { q.Where(credential.Login(login)) })
	if err != nil && !ent.IsNotFound(err) {
		return err
	}
	if a == nil || email == "" || !strings.EqualFold(a.email, email) {
		rerr := audit.Record(ctx, s.client, audit.Event{
			Action:     "auth.password_reset_request",
			Summary:    "password reset requested for " + login + ": login and email do not match an account",
			Failed:     true,
			ActorLogin: login,
		})
		if rerr != nil {
			s.log.ErrorContext(ctx, "audit of password reset request failed", "err", rerr)
		}
		return nil
	}
	token, hash, err := NewToken(resetPrefix)
	if err != nil {
		return err
	}
	expires := s.now().Add(ResetTTL)
	err = txn.Run(ctx, s.client, func(c *ent.Client) error {
		// Only the newest reset token of a login is valid.
		_, err := c.Session.Delete().
			Where(session.CredentialID(a.credentialID), session.KindEQ(types.SessionReset)).
			Exec(sys)
		if err != nil {
			return err
		}
		err = c.Session.Create().
			SetKind(types.SessionReset).
			SetTokenHash(hash).
			SetCredentialID(a.credentialID).
			SetExpiresAt(expires).
			Exec(sys)
		if err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action:           "auth.password_reset_request",
			Targets:          []int{a.id},
			ScopeResellerIDs: a.scope,
			Summary:          "password reset requested for " + a.login + ": token issued",
			ActorLogin:       login,
		})
	})
	if err != nil {
		return err
	}
	err = s.notify().Notify(ctx, PasswordReset{Login: a.login, Email: a.email, Token: token, ExpiresAt: expires})
	if err != nil {
		s.log.ErrorContext(ctx, "password reset notification failed", "login", a.login, "err", err)
	}
	return nil
}

// errInvalidReset is the one answer for an unknown, used and expired reset
// token.
var errInvalidReset = apperr.New(apperr.Invalid, "the reset token is invalid or has expired", "token")

// ResetPassword sets a new password with a reset token from
// RequestPasswordReset. The token works once, within ResetTTL; the change
// ends every session and API token of the login.
func (s *Service) ResetPassword(ctx context.Context, in ResetPasswordInput) error {
	if in.Token == "" {
		return errInvalidReset
	}
	sys := system(ctx)
	sess, err := s.client.Session.Query().
		Where(session.TokenHash(HashToken(in.Token)), session.KindEQ(types.SessionReset)).
		Only(sys)
	switch {
	case ent.IsNotFound(err):
		return errInvalidReset
	case err != nil:
		return err
	}
	if sess.ExpiresAt == nil || !sess.ExpiresAt.After(s.now()) {
		return errInvalidReset
	}
	a, err := accountOf(sys, s.client, func(q *ent.CredentialQuery) { q.Where(credential.ID(sess.CredentialID)) })
	if err != nil {
		return err
	}
	if err := validate.Password(in.NewPassword, a.login); err != nil {
		return weak(err, "newPassword")
	}
	hash, err := s.hasher.Hash(in.NewPassword)
	if err != nil {
		return err
	}
	return txn.Run(ctx, s.client, func(c *ent.Client) error {
		// Deleting the token first makes it single-use even against a
		// concurrent reset with the same token: only one deletes the row.
		n, err := c.Session.Delete().Where(session.ID(sess.ID)).Exec(sys)
		if err != nil {
			return err
		}
		if n != 1 {
			return errInvalidReset
		}
		err = c.Credential.UpdateOneID(a.credentialID).SetPasswordHash(hash).SetPasswordChangedAt(s.now()).Exec(sys)
		if err != nil {
			return err
		}
		ended, err := c.Session.Delete().Where(session.CredentialID(a.credentialID)).Exec(sys)
		if err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action:           "auth.password_reset",
			Targets:          []int{a.id},
			ScopeResellerIDs: a.scope,
			Types:            events.Credential(a.kind, false, true),
			Summary:          fmt.Sprintf("password of %s reset with a reset token (%d sessions and tokens ended)", a.login, ended),
			ActorLogin:       a.login,
		})
	})
}
