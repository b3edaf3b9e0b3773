package accounts

// Changes to existing accounts (SPEC 3.1-3.3): contact data, login and
// password, descriptions, panel users. Each method loads its object through
// the viewer's privacy scope (a foreign, mistyped or missing ID is NOT_FOUND
// at the ID's path), validates like creation, changes it in one transaction
// with its audit event, and returns the object as it now is.

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/credential"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/description"
	"github.com/hostpanel/panel/ent/paneluser"
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/ent/session"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/events"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/types"
	"github.com/hostpanel/panel/internal/validate"
	"github.com/hostpanel/panel/internal/viewer"
)

// ContactPatch is a change of contact data: an omitted field stays as it
// is, an explicit null clears it (optional fields only).
type ContactPatch struct {
	Name       graphql.Omittable[*string]
	Email      graphql.Omittable[*string]
	Company    graphql.Omittable[*string]
	Phone      graphql.Omittable[*string]
	Fax        graphql.Omittable[*string]
	Address    graphql.Omittable[*string]
	City       graphql.Omittable[*string]
	State      graphql.Omittable[*string]
	PostalCode graphql.Omittable[*string]
	Country    graphql.Omittable[*string]
	Locale     graphql.Omittable[*string]
	ExternalID graphql.Omittable[*string]
}

// UpdateCustomerContactInput is the API's UpdateCustomerContactInput.
type UpdateCustomerContactInput struct {
	CustomerID int
	ContactPatch
}

// UpdateResellerContactInput is the API's UpdateResellerContactInput.
type UpdateResellerContactInput struct {
	ResellerID int
	ContactPatch
}

// LoginPatch is a new login and/or password (nil: unchanged).
type LoginPatch struct {
	Login    *string
	Password *string
}

// UpdateCustomerLoginInput is the API's UpdateCustomerLoginInput.
type UpdateCustomerLoginInput struct {
	CustomerID int
	LoginPatch
}

// UpdateResellerLoginInput is the API's UpdateResellerLoginInput.
type UpdateResellerLoginInput struct {
	ResellerID int
	LoginPatch
}

// SetCustomerDescriptionInput is the API's SetCustomerDescriptionInput.
type SetCustomerDescriptionInput struct {
	CustomerID int
	Text       string
	// AuthorID is the reseller whose side the administrator edits (ADMIN
	// only); nil: the viewer's own side.
	AuthorID *int
}

// UpdatePanelUserInput is the API's UpdatePanelUserInput.
type UpdatePanelUserInput struct {
	PanelUserID int
	Name        graphql.Omittable[*string]
	Email       graphql.Omittable[*string]
	Role        *types.PanelUserRole
	LoginPatch
}

// DeletePanelUserInput is the API's DeletePanelUserInput.
type DeletePanelUserInput struct {
	PanelUserID int
}

// change is one validated field of a patch.
type change struct {
	name string
	v    *string // nil: clear
}

// contactMutation is what customers and resellers share for contact data.
type contactMutation interface {
	SetName(string)
	SetEmail(string)
	SetCompany(string)
	ClearCompany()
	SetPhone(string)
	ClearPhone()
	SetFax(string)
	ClearFax()
	SetAddress(string)
	ClearAddress()
	SetCity(string)
	ClearCity()
	SetState(string)
	ClearState()
	SetPostalCode(string)
	ClearPostalCode()
	SetCountry(string)
	ClearCountry()
	SetLocale(string)
	ClearLocale()
	SetExternalID(string)
	ClearExternalID()
}

// required validates a patch of a field that cannot be cleared.
func required(errs *apperr.List, path string, o graphql.Omittable[*string], f func(string) (string, error)) []change {
	v, ok := o.ValueOK()
	if !ok {
		return nil
	}
	if v == nil {
		errs.Add(apperr.New(apperr.Invalid, path+" cannot be cleared", path))
		return nil
	}
	out, err := f(*v)
	if err != nil {
		errs.Add(userError(err, path))
		return nil
	}
	if out == "" {
		errs.Add(apperr.New(apperr.Invalid, path+" is required", path))
		return nil
	}
	return []change{{path, &out}}
}

// clearable validates a patch of an optional field: null or blank clears it.
func clearable(errs *apperr.List, path string, o graphql.Omittable[*string], f func(string) (string, error)) []change {
	v, ok := o.ValueOK()
	if !ok {
		return nil
	}
	n := len(*errs)
	out := optional(errs, path, v, f)
	if len(*errs) > n {
		return nil
	}
	return []change{{path, out}}
}

// normalize validates p: the changes to make, in schema order.
func (p ContactPatch) normalize(errs *apperr.List) []change {
	var cs []change
	add := func(c []change) { cs = append(cs, c...) }
	add(required(errs, "name", p.Name, func(s string) (string, error) { return validate.Text("name", s, 255) }))
	add(required(errs, "email", p.Email, validate.Email))
	add(clearable(errs, "company", p.Company, text("company", 255)))
	add(clearable(errs, "phone", p.Phone, validate.Phone))
	add(clearable(errs, "fax", p.Fax, validate.Phone))
	add(clearable(errs, "address", p.Address, text("address", 500)))
	add(clearable(errs, "city", p.City, text("city", 255)))
	add(clearable(errs, "state", p.State, text("state", 255)))
	add(clearable(errs, "postalCode", p.PostalCode, text("postalCode", 32)))
	add(clearable(errs, "country", p.Country, validate.Country))
	add(clearable(errs, "locale", p.Locale, validate.Locale))
	add(clearable(errs, "externalId", p.ExternalID, validate.ExternalID))
	return cs
}

// apply sets cs on m.
func apply(m contactMutation, cs []change) {
	type pair struct {
		set   func(string)
		clear func()
	}
	fs := map[string]pair{
		"name":       {m.SetName, nil},
		"email":      {m.SetEmail, nil},
		"company":    {m.SetCompany, m.ClearCompany},
		"phone":      {m.SetPhone, m.ClearPhone},
		"fax":        {m.SetFax, m.ClearFax},
		"address":    {m.SetAddress, m.ClearAddress},
		"city":       {m.SetCity, m.ClearCity},
		"state":      {m.SetState, m.ClearState},
		"postalCode": {m.SetPostalCode, m.ClearPostalCode},
		"country":    {m.SetCountry, m.ClearCountry},
		"locale":     {m.SetLocale, m.ClearLocale},
		"externalId": {m.SetExternalID, m.ClearExternalID},
	}
	for _, c := range cs {
		f := fs[c.name]
		if c.v != nil {
			f.set(*c.v)
		} else {
			f.clear()
		}
	}
}

// names lists the fields of cs for an audit summary.
func names(cs []change) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.name
	}
	return strings.Join(out, ", ")
}

// externalIDOf returns the new external ID of cs, if one is set.
func externalIDOf(cs []change) *string {
	for _, c := range cs {
		if c.name == "externalId" {
			return c.v
		}
	}
	return nil
}

// UpdateCustomerContact changes a customer's contact data: the
// administrator and the owning reseller every field, the customer its own
// (not its external ID, which belongs to the provider's billing).
func (s *Service) UpdateCustomerContact(ctx context.Context, in UpdateCustomerContactInput) (*ent.Customer, error) {
	v := viewer.FromContext(ctx)
	var errs apperr.List
	cs := in.ContactPatch.normalize(&errs)
	if in.ExternalID.IsSet() && !v.Is(viewer.Admin, viewer.Reseller) {
		errs.Add(apperr.New(apperr.Forbidden, "only the administrator or the reseller sets the external ID", "externalId"))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		cu, err := c.Customer.Get(ctx, in.CustomerID)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "no such customer", "customerId")
		}
		if err != nil {
			return err
		}
		if x := externalIDOf(cs); x != nil {
			ok, err := c.Customer.Query().Where(customer.ExternalID(*x), customer.IDNEQ(cu.ID)).Exist(system(ctx))
			if err != nil {
				return err
			}
			if ok {
				return apperr.New(apperr.Taken, "this external ID is already in use", "externalId")
			}
		}
		u := c.Customer.UpdateOne(cu)
		apply(u.Mutation(), cs)
		if err := u.Exec(ctx); ent.IsNotFound(err) {
			// Deleted by a concurrent request since it was read.
			return apperr.New(apperr.NotFound, "no such customer", "customerId")
		} else if err != nil {
			return constraint(err, "externalId")
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "customer.update_contact", Targets: []int{cu.ID}, ScopeResellerID: cu.ResellerID,
			Summary: fmt.Sprintf("changed contact data of customer %s: %s", cu.Login, names(cs)),
		})
	})
	if err != nil {
		return nil, err
	}
	cu, err := s.client.Customer.Get(ctx, in.CustomerID)
	if ent.IsNotFound(err) {
		// Deleted by a concurrent request since the update.
		return nil, apperr.New(apperr.NotFound, "no such customer", "customerId")
	}
	return cu, err
}

// UpdateResellerContact changes a reseller's contact data (ADMIN).
func (s *Service) UpdateResellerContact(ctx context.Context, in UpdateResellerContactInput) (*ent.Reseller, error) {
	var errs apperr.List
	cs := in.ContactPatch.normalize(&errs)
	if len(errs) > 0 {
		return nil, errs
	}
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		r, err := s.resellerForAdmin(ctx, c, in.ResellerID)
		if err != nil {
			return err
		}
		if x := externalIDOf(cs); x != nil {
			ok, err := c.Reseller.Query().Where(reseller.ExternalID(*x), reseller.IDNEQ(r.ID)).Exist(system(ctx))
			if err != nil {
				return err
			}
			if ok {
				return apperr.New(apperr.Taken, "this external ID is already in use", "externalId")
			}
		}
		u := c.Reseller.UpdateOne(r)
		apply(u.Mutation(), cs)
		if err := u.Exec(ctx); err != nil {
			return constraint(err, "externalId")
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "reseller.update_contact", Targets: []int{r.ID}, ScopeResellerID: &r.ID,
			Summary: fmt.Sprintf("changed contact data of reseller %s: %s", r.Login, names(cs)),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.Reseller.Get(ctx, in.ResellerID)
}

// resellerForAdmin loads a reseller for an administrator's change. The
// directive admits administrators only; the check here keeps the service
// safe on its own (a reseller may read, and by privacy write, itself).
func (s *Service) resellerForAdmin(ctx context.Context, c *ent.Client, id int) (*ent.Reseller, error) {
	if !viewer.FromContext(ctx).Is(viewer.Admin) {
		return nil, apperr.New(apperr.Forbidden, "only the administrator changes resellers", "resellerId")
	}
	r, err := c.Reseller.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "no such reseller", "resellerId")
	}
	return r, err
}

// credentialChange is a validated LoginPatch.
type credentialChange struct {
	login    *string // normalised
	password *string
}

// normalize validates p; required: at least one of the two must be given.
// A password is checked here against a new login, and against the current
// login (when that stays) by setCredential.
func (p LoginPatch) normalize(errs *apperr.List, required bool) credentialChange {
	var out credentialChange
	if required && p.Login == nil && p.Password == nil {
		errs.Add(apperr.New(apperr.Invalid, "give a new login, a new password or both", "login"))
		return out
	}
	if p.Login != nil {
		l, err := validate.Login(*p.Login)
		if err != nil {
			errs.Add(userError(err, "login"))
		} else {
			out.login = &l
		}
	}
	if p.Password != nil {
		login := ""
		if out.login != nil {
			login = *out.login
		}
		if err := validate.Password(*p.Password, login); err != nil {
			errs.Add(userError(err, "password"))
		} else {
			out.password = p.Password
		}
	}
	return out
}

func (cc credentialChange) empty() bool { return cc.login == nil && cc.password == nil }

// what names the change for audit summaries.
// types are the webhook event types of the change of an account of kind
// (internal/events): a login change, a password change, or both.
func (cc credentialChange) types(kind string) []string {
	return events.Credential(kind, cc.login != nil, cc.password != nil)
}

func (cc credentialChange) what() string {
	switch {
	case cc.login != nil && cc.password != nil:
		return "login and password"
	case cc.login != nil:
		return "login"
	}
	return "password"
}

// setCredential applies cc to the credential of an account whose current
// login is login, and ends every session and API token of it. It returns
// the login the account now has. filter selects the credential by its
// account edge.
func (s *Service) setCredential(ctx context.Context, c *ent.Client, cc credentialChange, login string,
	filter func(*ent.CredentialQuery) *ent.CredentialQuery) (string, error) {
	sys := system(ctx)
	if cc.password != nil && cc.login == nil {
		if err := validate.Password(*cc.password, login); err != nil {
			return "", userError(err, "password")
		}
	}
	cred, err := filter(c.Credential.Query()).Only(sys)
	if err != nil {
		return "", err
	}
	u := c.Credential.UpdateOne(cred).SetPasswordChangedAt(time.Now())
	if cc.login != nil {
		taken, err := c.Credential.Query().Where(credential.Login(*cc.login), credential.IDNEQ(cred.ID)).Exist(sys)
		if err != nil {
			return "", err
		}
		if taken {
			return "", apperr.New(apperr.Taken, "this login is already in use", "login")
		}
		u.SetLogin(*cc.login)
		login = *cc.login
	}
	if cc.password != nil {
		hash, err := s.hasher.Hash(*cc.password)
		if err != nil {
			return "", err
		}
		u.SetPasswordHash(hash)
	}
	if err := u.Exec(sys); err != nil {
		return "", constraint(err, "login")
	}
	// Every session, API token and pending password reset ends.
	if _, err := c.Session.Delete().Where(session.CredentialID(cred.ID)).Exec(sys); err != nil {
		return "", err
	}
	return login, nil
}

// UpdateCustomerLogin sets a customer's login and/or password (ADMIN, the
// owning reseller) and ends every session and API token of the customer.
func (s *Service) UpdateCustomerLogin(ctx context.Context, in UpdateCustomerLoginInput) (*ent.Customer, error) {
	var errs apperr.List
	cc := in.LoginPatch.normalize(&errs, true)
	if len(errs) > 0 {
		return nil, errs
	}
	if !viewer.FromContext(ctx).Is(viewer.Admin, viewer.Reseller) {
		return nil, apperr.New(apperr.Forbidden, "only the administrator or the reseller sets the login", "customerId")
	}
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		cu, err := c.Customer.Get(ctx, in.CustomerID)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "no such customer", "customerId")
		}
		if err != nil {
			return err
		}
		login, err := s.setCredential(ctx, c, cc, cu.Login, func(q *ent.CredentialQuery) *ent.CredentialQuery {
			return q.Where(credential.HasCustomerWith(customer.ID(cu.ID)))
		})
		if err != nil {
			return err
		}
		// Touch the customer even for a password change: updated_at.
		if err := c.Customer.UpdateOne(cu).SetLogin(login).Exec(ctx); err != nil {
			return constraint(err, "login")
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "customer.login_changed", Targets: []int{cu.ID}, ScopeResellerID: cu.ResellerID,
			Types: cc.types("customer"),
			Summary: fmt.Sprintf("changed the %s of customer %s (now %s); its sessions and API tokens ended",
				cc.what(), cu.Login, login),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.Customer.Get(ctx, in.CustomerID)
}

// UpdateResellerLogin sets a reseller's login and/or password (ADMIN) and
// ends every session and API token of the reseller.
func (s *Service) UpdateResellerLogin(ctx context.Context, in UpdateResellerLoginInput) (*ent.Reseller, error) {
	var errs apperr.List
	cc := in.LoginPatch.normalize(&errs, true)
	if len(errs) > 0 {
		return nil, errs
	}
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		r, err := s.resellerForAdmin(ctx, c, in.ResellerID)
		if err != nil {
			return err
		}
		login, err := s.setCredential(ctx, c, cc, r.Login, func(q *ent.CredentialQuery) *ent.CredentialQuery {
			return q.Where(credential.HasResellerWith(reseller.ID(r.ID)))
		})
		if err != nil {
			return err
		}
		if err := c.Reseller.UpdateOne(r).SetLogin(login).Exec(ctx); err != nil {
			return constraint(err, "login")
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "reseller.login_changed", Targets: []int{r.ID}, ScopeResellerID: &r.ID,
			Types: cc.types("reseller"),
			Summary: fmt.Sprintf("changed the %s of reseller %s (now %s); its sessions and API tokens ended",
				cc.what(), r.Login, login),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.Reseller.Get(ctx, in.ResellerID)
}

// SetCustomerDescription writes the viewer's side's description of a
// customer (SPEC 3.3); an empty text removes it. The administrator writes
// the ADMIN side, or with AuthorID the side of the reseller that owns the
// customer (or that wrote its current reseller-side note); a reseller the
// RESELLER side of its own customers.
func (s *Service) SetCustomerDescription(ctx context.Context, in SetCustomerDescriptionInput) (*ent.Customer, error) {
	v := viewer.FromContext(ctx)
	var errs apperr.List
	txt := optional(&errs, "text", &in.Text, text("text", 10000))
	if in.AuthorID != nil && !v.Is(viewer.Admin) && !(v.Is(viewer.Reseller) && *in.AuthorID == v.ResellerID) {
		errs.Add(apperr.New(apperr.Forbidden, "only the administrator chooses the author", "authorId"))
	}
	if !v.Is(viewer.Admin, viewer.Reseller) {
		errs.Add(apperr.New(apperr.Forbidden, "only the administrator and resellers write descriptions", "customerId"))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		cu, err := c.Customer.Get(ctx, in.CustomerID)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "no such customer", "customerId")
		}
		if err != nil {
			return err
		}
		side, author := types.SideAdmin, 0
		switch {
		case v.Is(viewer.Reseller):
			side, author = types.SideReseller, v.ResellerID
		case in.AuthorID != nil:
			r, err := Owner(ctx, c, *in.AuthorID, "authorId")
			if err != nil {
				return err
			}
			if r != nil {
				side, author = types.SideReseller, r.ID
			}
		}
		// Descriptions are read here past privacy: after a move the reseller
		// side holds one note per author, the former owner's kept for the
		// administrator (SPEC 3.6), so the note is found by its author.
		sys := system(ctx)
		q := c.Description.Query().Where(description.CustomerID(cu.ID), description.SideEQ(side))
		if side == types.SideReseller {
			q.Where(description.ResellerID(author))
		}
		cur, err := q.Only(sys)
		if err != nil && !ent.IsNotFound(err) {
			return err
		}
		mine := cur != nil
		if side == types.SideReseller && v.Is(viewer.Admin) && !mine &&
			(cu.ResellerID == nil || *cu.ResellerID != author) {
			return apperr.New(apperr.Invalid, "the reseller does not own this customer", "authorId")
		}
		action, summary := "customer.description_set", "set"
		switch {
		case txt == nil && mine:
			if err := c.Description.DeleteOne(cur).Exec(sys); err != nil {
				return err
			}
			action, summary = "customer.description_removed", "removed"
		case txt == nil:
			// Nothing to remove; still a successful, audited request.
			action, summary = "customer.description_removed", "removed (there was none)"
		case cur != nil:
			if err := c.Description.UpdateOne(cur).SetText(*txt).Exec(sys); err != nil {
				return err
			}
		default:
			dc := c.Description.Create().SetCustomerID(cu.ID).SetSide(side).SetText(*txt)
			if side == types.SideReseller {
				dc.SetResellerID(author)
			}
			if err := dc.Exec(sys); err != nil {
				return err
			}
		}
		scope := cu.ResellerID
		var more []int
		if author != 0 && (scope == nil || *scope != author) {
			more = []int{author}
		}
		return audit.Record(ctx, c, audit.Event{
			Action: action, Targets: []int{cu.ID}, ScopeResellerID: scope, ScopeResellerIDs: more,
			Summary: fmt.Sprintf("%s the %s description of customer %s", summary, strings.ToLower(string(side)), cu.Login),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.Customer.Get(ctx, in.CustomerID)
}

// panelUser loads a panel user in the viewer's scope: its account's
// administrator, owning reseller or customer.
func panelUser(ctx context.Context, c *ent.Client, id int) (*ent.PanelUser, *int, error) {
	v := viewer.FromContext(ctx)
	if !v.Is(viewer.Admin, viewer.Reseller, viewer.Customer) {
		return nil, nil, apperr.New(apperr.Forbidden, "panel users cannot manage panel users", "panelUserId")
	}
	pu, err := c.PanelUser.Query().Where(paneluser.ID(id)).WithCustomer().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil, apperr.New(apperr.NotFound, "no such panel user", "panelUserId")
	}
	if err != nil {
		return nil, nil, err
	}
	scope := pu.ResellerID
	if cu := pu.Edges.Customer; cu != nil {
		scope = cu.ResellerID
	}
	return pu, scope, nil
}

// UpdatePanelUser changes a panel user's name, email, role, login or
// password; a login or password change ends its sessions.
func (s *Service) UpdatePanelUser(ctx context.Context, in UpdatePanelUserInput) (*ent.PanelUser, error) {
	var errs apperr.List
	cs := required(&errs, "name", in.Name, func(s string) (string, error) { return validate.Text("name", s, 255) })
	cs = append(cs, required(&errs, "email", in.Email, validate.Email)...)
	cc := in.LoginPatch.normalize(&errs, false)
	if len(errs) > 0 {
		return nil, errs
	}
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		pu, scope, err := panelUser(ctx, c, in.PanelUserID)
		if err != nil {
			return err
		}
		u := c.PanelUser.UpdateOne(pu)
		var what []string
		for _, ch := range cs {
			if ch.name == "name" {
				u.SetName(*ch.v)
			} else {
				u.SetEmail(*ch.v)
			}
			what = append(what, ch.name)
		}
		if in.Role != nil {
			u.SetRole(*in.Role)
			what = append(what, "role")
		}
		action, types := "panel_user.update", []string(nil)
		if !cc.empty() {
			login, err := s.setCredential(ctx, c, cc, pu.Login, func(q *ent.CredentialQuery) *ent.CredentialQuery {
				return q.Where(credential.HasPanelUserWith(paneluser.ID(pu.ID)))
			})
			if err != nil {
				return err
			}
			u.SetLogin(login)
			action = "panel_user.login_changed"
			what = append(what, cc.what())
			// Published as the credential change, plus an update when
			// other fields changed too.
			types = cc.types("panel_user")
			if len(what) > 1 {
				types = append(types, "panel_user.updated")
			}
		}
		if err := u.Exec(ctx); err != nil {
			return constraint(err, "login")
		}
		acct := pu.ResellerID
		if pu.CustomerID != nil {
			acct = pu.CustomerID
		}
		return audit.Record(ctx, c, audit.Event{
			Action: action, Targets: []int{pu.ID, *acct}, ScopeResellerID: scope, Types: types,
			Summary: fmt.Sprintf("changed panel user %s: %s", pu.Login, strings.Join(what, ", ")),
		})
	})
	if err != nil {
		return nil, err
	}
	return s.client.PanelUser.Get(ctx, in.PanelUserID)
}

// DeletePanelUser deletes a panel user with its credential, sessions and
// API tokens; it returns the deleted ID.
func (s *Service) DeletePanelUser(ctx context.Context, in DeletePanelUserInput) (int, error) {
	err := txn.Run(ctx, s.client, func(c *ent.Client) error {
		pu, scope, err := panelUser(ctx, c, in.PanelUserID)
		if err != nil {
			return err
		}
		sys := system(ctx)
		credIDs, err := c.Credential.Query().Where(credential.HasPanelUserWith(paneluser.ID(pu.ID))).IDs(sys)
		if err != nil {
			return err
		}
		if _, err := c.Session.Delete().Where(session.CredentialIDIn(credIDs...)).Exec(sys); err != nil {
			return err
		}
		if _, err := c.Credential.Delete().Where(credential.IDIn(credIDs...)).Exec(sys); err != nil {
			return err
		}
		if err := c.PanelUser.DeleteOne(pu).Exec(ctx); err != nil {
			return err
		}
		acct := pu.ResellerID
		if pu.CustomerID != nil {
			acct = pu.CustomerID
		}
		return audit.Record(ctx, c, audit.Event{
			Action: "panel_user.delete", Targets: []int{pu.ID, *acct}, ScopeResellerID: scope,
			Summary: fmt.Sprintf("deleted panel user %s", pu.Login),
		})
	})
	if err != nil {
		return 0, err
	}
	return in.PanelUserID, nil
}
