package auth

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/credential"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/session"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/httpx"
	"github.com/hostpanel/panel/internal/types"
	"github.com/hostpanel/panel/internal/viewer"
)

// SessionTTL is how long a login session lives.
const SessionTTL = 12 * time.Hour

// tokenPrefix marks the panel's tokens so that leaked ones are recognisable.
const tokenPrefix = "pnl_"

// Service logs principals in and out and authenticates requests.
type Service struct {
	client *ent.Client
	hasher Hasher
	log    *slog.Logger
	now    func() time.Time
	// notifier delivers password-reset tokens (see SetNotifier).
	notifier Notifier
	// throttle counts refused logins (throttle.go).
	throttle *Throttle
}

// NewService returns a Service over client.
func NewService(client *ent.Client, hasher Hasher, logger *slog.Logger) *Service {
	return &Service{client: client, hasher: hasher, log: logger, now: time.Now,
		throttle: NewThrottle(client, DefaultThrottle)}
}

// Hasher returns the password hasher, for services that set passwords.
func (s *Service) Hasher() Hasher { return s.hasher }

// system returns ctx with privacy bypassed: authentication reads credentials
// before there is a viewer.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// ErrInvalidCredentials is the one answer for an unknown login and a wrong
// password, so that neither message nor timing tells them apart.
var errInvalidCredentials = apperr.New(apperr.Invalid, "invalid login or password")

// Login checks login and password and opens a session. Refused logins are
// audited.
func (s *Service) Login(ctx context.Context, login, password string) (string, *viewer.Viewer, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if err := s.throttle.Check(ctx, login, httpx.ClientIPFromContext(ctx)); err != nil {
		return "", nil, err
	}
	sys := system(ctx)
	cred, err := s.client.Credential.Query().Where(credential.Login(login)).Only(sys)
	switch {
	case ent.IsNotFound(err):
		s.hasher.Equalize(password)
		return "", nil, s.wrongCredentials(ctx, login, "unknown login")
	case err != nil:
		return "", nil, err
	}
	ok, err := Verify(cred.PasswordHash, password)
	if err != nil {
		return "", nil, err
	}
	if !ok {
		return "", nil, s.wrongCredentials(ctx, login, "wrong password")
	}
	v, err := s.viewerOf(sys, cred.ID)
	if err != nil {
		if errors.Is(err, errInactive) {
			return "", nil, s.refuse(ctx, login, "account suspended",
				apperr.New(apperr.Forbidden, "the account is suspended"))
		}
		return "", nil, err
	}
	token, hash, err := NewToken(tokenPrefix)
	if err != nil {
		return "", nil, err
	}
	sess, err := s.client.Session.Create().
		SetKind(types.SessionLogin).
		SetTokenHash(hash).
		SetCredentialID(cred.ID).
		SetExpiresAt(s.now().Add(SessionTTL)).
		Save(sys)
	if err != nil {
		return "", nil, err
	}
	v.SessionID = sess.ID
	if err := s.throttle.Succeeded(ctx, login); err != nil {
		s.log.ErrorContext(ctx, "resetting the login throttle failed", "err", err)
	}
	return token, v, nil
}

// refuse records a refused login and returns ue.
func (s *Service) refuse(ctx context.Context, login, why string, ue *apperr.UserError) error {
	err := audit.Record(ctx, s.client, audit.Event{
		Action:     "auth.login_refused",
		Summary:    "login refused for " + login + ": " + why,
		Failed:     true,
		ActorLogin: login,
	})
	if err != nil {
		s.log.ErrorContext(ctx, "audit of refused login failed", "err", err)
	}
	return ue
}

// Logout ends the session of ctx's viewer.
func (s *Service) Logout(ctx context.Context) error {
	v := viewer.FromContext(ctx)
	if v == nil || v.SessionID == 0 {
		return apperr.Unauthenticated()
	}
	return s.client.Session.DeleteOneID(v.SessionID).Exec(system(ctx))
}

// Authenticate returns the viewer of a bearer token, or nil if the token is
// unknown, expired, or belongs to a principal that (or whose account or
// owner) is not active. It runs on every request, so a suspension takes
// effect on the next one.
func (s *Service) Authenticate(ctx context.Context, token string) (*viewer.Viewer, error) {
	if token == "" {
		return nil, nil
	}
	sys := system(ctx)
	sess, err := s.client.Session.Query().
		Where(session.TokenHash(HashToken(token)),
			session.KindIn(types.SessionLogin, types.SessionAPI)).
		Only(sys)
	switch {
	case ent.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, err
	}
	if sess.ExpiresAt != nil && !sess.ExpiresAt.After(s.now()) {
		return nil, nil
	}
	v, err := s.viewerOf(sys, sess.CredentialID)
	if errors.Is(err, errInactive) || ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	v.SessionID = sess.ID
	v.ReadOnly = sess.ReadOnly
	if err := s.touch(ctx, sess); err != nil {
		s.log.ErrorContext(ctx, "recording API token use failed", "err", err)
	}
	return v, nil
}

var errInactive = errors.New("account not active")

// viewerOf builds the viewer of a credential, checking that the principal
// and every account above it are active.
func (s *Service) viewerOf(ctx context.Context, credID int) (*viewer.Viewer, error) {
	cred, err := s.client.Credential.Query().
		Where(credential.ID(credID)).
		WithAdministrator().
		WithReseller().
		WithCustomer(func(q *ent.CustomerQuery) { q.WithReseller() }).
		WithPanelUser(func(q *ent.PanelUserQuery) {
			q.WithReseller().WithCustomer(func(q *ent.CustomerQuery) { q.WithReseller() })
		}).
		Only(ctx)
	if err != nil {
		return nil, err
	}
	v := &viewer.Viewer{CredentialID: cred.ID, Login: cred.Login}
	active := func(st types.Status) bool { return st == types.StatusActive }
	customerActive := func(c *ent.Customer) bool {
		return active(c.Status) && (c.Edges.Reseller == nil || active(c.Edges.Reseller.Status))
	}
	e := cred.Edges
	switch {
	case e.Administrator != nil:
		v.Role, v.AdministratorID = viewer.Admin, e.Administrator.ID
	case e.Reseller != nil:
		if !active(e.Reseller.Status) {
			return nil, errInactive
		}
		v.Role, v.ResellerID = viewer.Reseller, e.Reseller.ID
	case e.Customer != nil:
		if !customerActive(e.Customer) {
			return nil, errInactive
		}
		v.Role, v.CustomerID = viewer.Customer, e.Customer.ID
		if e.Customer.ResellerID != nil {
			v.OwnerResellerID = *e.Customer.ResellerID
		}
	case e.PanelUser != nil:
		pu := e.PanelUser
		v.Role, v.PanelUserID, v.PanelUserRole = viewer.PanelUser, pu.ID, string(pu.Role)
		switch {
		case pu.Edges.Customer != nil:
			if !customerActive(pu.Edges.Customer) {
				return nil, errInactive
			}
			v.CustomerID = pu.Edges.Customer.ID
			if r := pu.Edges.Customer.ResellerID; r != nil {
				v.OwnerResellerID = *r
			}
		case pu.Edges.Reseller != nil:
			if !active(pu.Edges.Reseller.Status) {
				return nil, errInactive
			}
			v.ResellerID = pu.Edges.Reseller.ID
		default:
			return nil, errInactive
		}
	default:
		return nil, errInactive
	}
	return v, nil
}

// Middleware authenticates the request's bearer token and puts the viewer in
// the request context. A request without a valid token goes on without a
// viewer; the GraphQL layer answers UNAUTHENTICATED where one is needed.
func (s *Service) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || token == "" {
			next.ServeHTTP(w, r)
			return
		}
		v, err := s.Authenticate(r.Context(), strings.TrimSpace(token))
		if err != nil {
			s.log.ErrorContext(r.Context(), "authentication failed", "err", err)
			http.Error(w, `{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}`,
				http.StatusInternalServerError)
			return
		}
		if v != nil {
			r = r.WithContext(viewer.NewContext(r.Context(), v))
		}
		next.ServeHTTP(w, r)
	})
}
