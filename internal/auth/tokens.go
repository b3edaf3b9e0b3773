package auth

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/session"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/types"
	"github.com/hostpanel/panel/internal/validate"
	"github.com/hostpanel/panel/internal/viewer"
)

// MaxAPITokens bounds the API tokens of one login, so that a script gone
// wrong cannot fill the sessions table.
const MaxAPITokens = 100

// maxTokenName is the longest API token name (the column's size).
const maxTokenName = 100

// lastUsedPrecision is how stale an API token's last use may be: it is
// written at most once per this period, not on every request.
const lastUsedPrecision = time.Minute

// CreateApiTokenInput is the input of createApiToken.
type CreateApiTokenInput struct {
	Name      string
	ExpiresAt *time.Time
	ReadOnly  bool
}

// RevokeApiTokenInput is the input of revokeApiToken.
type RevokeApiTokenInput struct {
	ID int
}

// CreateAPIToken creates a named API token for the login of ctx's viewer.
// The token is returned once; only its hash is stored.
func (s *Service) CreateAPIToken(ctx context.Context, in CreateApiTokenInput) (string, *ent.Session, error) {
	v := viewer.FromContext(ctx)
	if v == nil || v.CredentialID == 0 {
		return "", nil, apperr.Unauthenticated()
	}
	var errs apperr.List
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > maxTokenName {
		errs.Add(apperr.New(apperr.Invalid, fmt.Sprintf("the name must have 1 to %d characters", maxTokenName), "name"))
	}
	if in.ExpiresAt != nil && !in.ExpiresAt.After(s.now()) {
		errs.Add(apperr.New(apperr.Invalid, "the expiry must be in the future", "expiresAt"))
	} else if err := validate.Expiry(in.ExpiresAt); err != nil {
		errs.Add(apperr.New(apperr.Invalid, err.Error(), "expiresAt"))
	}
	if err := errs.Err(); err != nil {
		return "", nil, err
	}
	token, hash, err := NewToken(tokenPrefix)
	if err != nil {
		return "", nil, err
	}
	var sess *ent.Session
	err = txn.Run(ctx, s.client, func(c *ent.Client) error {
		sys := system(ctx)
		n, err := c.Session.Query().
			Where(session.CredentialID(v.CredentialID), session.KindEQ(types.SessionAPI)).
			Count(sys)
		if err != nil {
			return err
		}
		if n >= MaxAPITokens {
			return apperr.New(apperr.LimitExceeded, fmt.Sprintf("a login may have at most %d API tokens", MaxAPITokens))
		}
		sess, err = c.Session.Create().
			SetKind(types.SessionAPI).
			SetTokenHash(hash).
			SetName(name).
			SetReadOnly(in.ReadOnly).
			SetNillableExpiresAt(in.ExpiresAt).
			SetCredentialID(v.CredentialID).
			Save(sys)
		if err != nil {
			return err
		}
		mode := "read-write"
		if in.ReadOnly {
			mode = "read-only"
		}
		return audit.Record(ctx, c, audit.Event{
			Action:  "auth.api_token_create",
			Targets: []int{principalID(v), sess.ID},
			Summary: fmt.Sprintf("%s created %s API token %q", v.Login, mode, name),
		})
	})
	if err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// RevokeAPIToken deletes one API token of the login of ctx's viewer. Another
// login's token is NOT_FOUND, like one that never existed.
func (s *Service) RevokeAPIToken(ctx context.Context, id int) error {
	v := viewer.FromContext(ctx)
	if v == nil || v.CredentialID == 0 {
		return apperr.Unauthenticated()
	}
	return txn.Run(ctx, s.client, func(c *ent.Client) error {
		sys := system(ctx)
		sess, err := c.Session.Query().
			Where(session.ID(id), session.CredentialID(v.CredentialID), session.KindEQ(types.SessionAPI)).
			Only(sys)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "no such API token", "id")
		}
		if err != nil {
			return err
		}
		if err := c.Session.DeleteOneID(sess.ID).Exec(sys); err != nil {
			return err
		}
		return audit.Record(ctx, c, audit.Event{
			Action:  "auth.api_token_revoke",
			Targets: []int{principalID(v), sess.ID},
			Summary: fmt.Sprintf("%s revoked API token %q", v.Login, sess.Name),
		})
	})
}

// APITokens lists the API tokens of the login of ctx's viewer, newest first.
func (s *Service) APITokens(ctx context.Context) ([]*ent.Session, error) {
	v := viewer.FromContext(ctx)
	if v == nil || v.CredentialID == 0 {
		return nil, apperr.Unauthenticated()
	}
	return s.client.Session.Query().
		Where(session.CredentialID(v.CredentialID), session.KindEQ(types.SessionAPI)).
		Order(ent.Desc(session.FieldCreatedAt), ent.Desc(session.FieldID)).
		All(system(ctx))
}

// touch records the use of an API token, at most once per
// lastUsedPrecision so that reads do not turn into a write each.
func (s *Service) touch(ctx context.Context, sess *ent.Session) error {
	now := s.now()
	if sess.Kind != types.SessionAPI || (sess.LastUsedAt != nil && now.Sub(*sess.LastUsedAt) < lastUsedPrecision) {
		return nil
	}
	return s.client.Session.UpdateOneID(sess.ID).SetLastUsedAt(now).Exec(system(ctx))
}

// principalID is the ID of the principal behind v: its panel user or account.
func principalID(v *viewer.Viewer) int {
	if v.PanelUserID != 0 {
		return v.PanelUserID
	}
	return v.AccountID()
}
