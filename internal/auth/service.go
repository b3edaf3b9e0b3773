package auth

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/credential"
	"github.com/hostpanel/panel/ent/privacy"
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
// effect on the next one. It costs one SQL statement: the session, its
// credential, the principal and every account above it in one join
// (viewerOf, used by Login, reads the same through eager loads).
func (s *Service) Authenticate(ctx context.Context, token string) (*viewer.Viewer, error) {
	if token == "" {
		return nil, nil
	}
	rows, err := s.client.QueryContext(system(ctx), authQuery,
		HashToken(token), string(types.SessionLogin), string(types.SessionAPI))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		return nil, rows.Err()
	}
	var (
		r        authRow
		sessID   int
		readOnly bool
		expires  sql.NullTime
		kind     string
		lastUsed sql.NullTime
	)
	if err := rows.Scan(&sessID, &readOnly, &expires, &kind, &lastUsed, &r.credID, &r.login, &r.adminID,
		&r.resID, &r.resSt, &r.custID, &r.custSt, &r.custRes, &r.custResSt,
		&r.puID, &r.puRole, &r.pucID, &r.pucSt, &r.pucRes, &r.pucResSt, &r.purID, &r.purSt); err != nil {
		return nil, err
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if expires.Valid && !expires.Time.After(s.now()) {
		return nil, nil
	}
	v, ok := r.viewer()
	if !ok {
		return nil, nil
	}
	v.SessionID = sessID
	v.ReadOnly = readOnly
	sess := &ent.Session{ID: sessID, Kind: types.SessionKind(kind)}
	if lastUsed.Valid {
		sess.LastUsedAt = &lastUsed.Time
	}
	if err := s.touch(ctx, sess); err != nil {
		s.log.ErrorContext(ctx, "recording API token use failed", "err", err)
	}
	return v, nil
}

// authQuery reads a session by token hash with its credential, the
// principal and the accounts above it (backticks quote for MySQL and
// SQLite alike).
const authQuery = "SELECT s.`id`, s.`read_only`, s.`expires_at`, s.`kind`, s.`last_used_at`, c.`id`, c.`login`, a.`id`, " +
	"r.`id`, r.`status`, cu.`id`, cu.`status`, cu.`reseller_id`, cur.`status`, " +
	"pu.`id`, pu.`role`, puc.`id`, puc.`status`, puc.`reseller_id`, pucr.`status`, pur.`id`, pur.`status` " +
	"FROM `sessions` s JOIN `credentials` c ON c.`id` = s.`credential_id` " +
	"LEFT JOIN `administrators` a ON a.`id` = c.`administrator_credential` " +
	"LEFT JOIN `resellers` r ON r.`id` = c.`reseller_credential` " +
	"LEFT JOIN `customers` cu ON cu.`id` = c.`customer_credential` " +
	"LEFT JOIN `resellers` cur ON cur.`id` = cu.`reseller_id` " +
	"LEFT JOIN `panel_users` pu ON pu.`id` = c.`panel_user_credential` " +
	"LEFT JOIN `customers` puc ON puc.`id` = pu.`customer_id` " +
	"LEFT JOIN `resellers` pucr ON pucr.`id` = puc.`reseller_id` " +
	"LEFT JOIN `resellers` pur ON pur.`id` = pu.`reseller_id` " +
	"WHERE s.`token_hash` = ? AND s.`kind` IN (?, ?)"

// authRow is the principal part of authQuery's row.
type authRow struct {
	credID                                               int
	login                                                string
	adminID, resID, custID, custRes, puID, pucID, pucRes sql.NullInt64
	purID                                                sql.NullInt64
	resSt, custSt, custResSt, puRole, pucSt, pucResSt    sql.NullString
	purSt                                                sql.NullString
}

// viewer applies viewerOf's rules to the joined row; false means no viewer
// (the principal or an account above it is not active, or it is missing).
func (r authRow) viewer() (*viewer.Viewer, bool) {
	v := &viewer.Viewer{CredentialID: r.credID, Login: r.login}
	active := func(st sql.NullString) bool { return st.Valid && st.String == string(types.StatusActive) }
	// A customer is active when it is and its reseller, if any, is.
	customerActive := func(st sql.NullString, res sql.NullInt64, resSt sql.NullString) bool {
		return active(st) && (!res.Valid || active(resSt))
	}
	switch {
	case r.adminID.Valid:
		v.Role, v.AdministratorID = viewer.Admin, int(r.adminID.Int64)
	case r.resID.Valid:
		if !active(r.resSt) {
			return nil, false
		}
		v.Role, v.ResellerID = viewer.Reseller, int(r.resID.Int64)
	case r.custID.Valid:
		if !customerActive(r.custSt, r.custRes, r.custResSt) {
			return nil, false
		}
		v.Role, v.CustomerID = viewer.Customer, int(r.custID.Int64)
		if r.custRes.Valid {
			v.OwnerResellerID = int(r.custRes.Int64)
		}
	case r.puID.Valid:
		v.Role, v.PanelUserID, v.PanelUserRole = viewer.PanelUser, int(r.puID.Int64), r.puRole.String
		switch {
		case r.pucID.Valid:
			if !customerActive(r.pucSt, r.pucRes, r.pucResSt) {
				return nil, false
			}
			v.CustomerID = int(r.pucID.Int64)
			if r.pucRes.Valid {
				v.OwnerResellerID = int(r.pucRes.Int64)
			}
		case r.purID.Valid:
			if !active(r.purSt) {
				return nil, false
			}
			v.ResellerID = int(r.purID.Int64)
		default:
			return nil, false
		}
	default:
		return nil, false
	}
	return v, true
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
