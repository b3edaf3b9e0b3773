// Package accounts holds the business rules for the principals' accounts:
// creating customers, resellers and panel users, their logins and contact
// data (SPEC 3.1, 3.2, 3.8). Each method owns its transaction.
package accounts

import (
	"context"
	"errors"
	"strings"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/credential"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/auth"
	"github.com/hostpanel/panel/internal/validate"
)

// Contact is an account's contact data as the API takes it.
type Contact struct {
	Name       string
	Email      string
	Company    *string
	Phone      *string
	Fax        *string
	Address    *string
	City       *string
	State      *string
	PostalCode *string
	Country    *string
	Locale     *string
	ExternalID *string
}

// field runs a validation and records its error at path.
func field[T any](errs *apperr.List, path string, f func() (T, error)) T {
	v, err := f()
	if err != nil {
		errs.Add(userError(err, path))
	}
	return v
}

// userError turns a validation error into a user error at path.
func userError(err error, path ...string) *apperr.UserError {
	var ve *validate.Error
	if errors.As(err, &ve) {
		code := apperr.Invalid
		if ve.Code == validate.CodeWeakPassword {
			code = apperr.WeakPassword
		}
		return apperr.New(code, ve.Message, path...)
	}
	return apperr.New(apperr.Invalid, "invalid value", path...)
}

// optional validates an optional value with f; nil stays nil and an empty
// string after trimming becomes nil.
func optional(errs *apperr.List, path string, v *string, f func(string) (string, error)) *string {
	if v == nil || strings.TrimSpace(*v) == "" {
		return nil
	}
	out, err := f(*v)
	if err != nil {
		errs.Add(userError(err, path))
		return nil
	}
	return &out
}

func text(name string, max int) func(string) (string, error) {
	return func(s string) (string, error) { return validate.Text(name, s, max) }
}

// normalize validates c in place, adding user errors under prefix.
func (c *Contact) normalize(errs *apperr.List) {
	c.Name = field(errs, "name", func() (string, error) {
		s, err := validate.Text("name", c.Name, 255)
		if err == nil && s == "" {
			return "", &validate.Error{Code: validate.CodeInvalid, Message: "name is required"}
		}
		return s, err
	})
	c.Email = field(errs, "email", func() (string, error) { return validate.Email(c.Email) })
	c.Company = optional(errs, "company", c.Company, text("company", 255))
	c.Phone = optional(errs, "phone", c.Phone, validate.Phone)
	c.Fax = optional(errs, "fax", c.Fax, validate.Phone)
	c.Address = optional(errs, "address", c.Address, text("address", 500))
	c.City = optional(errs, "city", c.City, text("city", 255))
	c.State = optional(errs, "state", c.State, text("state", 255))
	c.PostalCode = optional(errs, "postalCode", c.PostalCode, text("postalCode", 32))
	c.Country = optional(errs, "country", c.Country, validate.Country)
	c.Locale = optional(errs, "locale", c.Locale, validate.Locale)
	c.ExternalID = optional(errs, "externalId", c.ExternalID, validate.ExternalID)
}

// Credentials is a login and password pair being set.
type Credentials struct {
	Login    string
	Password string
}

// normalize validates the login and password.
func (cr *Credentials) normalize(errs *apperr.List) {
	login, err := validate.Login(cr.Login)
	if err != nil {
		errs.Add(userError(err, "login"))
		return
	}
	cr.Login = login
	if err := validate.Password(cr.Password, login); err != nil {
		errs.Add(userError(err, "password"))
	}
}

// loginFree reports a TAKEN error if login is used by any principal (and a
// database error as it is: it is not a business answer).
func loginFree(ctx context.Context, c *ent.Client, login string, path ...string) error {
	n, err := c.Credential.Query().Where(credential.Login(login)).Exist(system(ctx))
	if err != nil {
		return err
	}
	if n {
		return apperr.New(apperr.Taken, "this login is already in use", path...)
	}
	return nil
}

// newCredential creates the credential of a new account.
func newCredential(ctx context.Context, c *ent.Client, h auth.Hasher, cr Credentials) (*ent.Credential, error) {
	hash, err := h.Hash(cr.Password)
	if err != nil {
		return nil, err
	}
	return c.Credential.Create().SetLogin(cr.Login).SetPasswordHash(hash).Save(system(ctx))
}

// constraint maps a unique-constraint violation raised by a concurrent
// writer to a TAKEN user error; other errors pass through.
func constraint(err error, path ...string) error {
	if ent.IsConstraintError(err) {
		return apperr.New(apperr.Taken, "this value is already in use", path...)
	}
	return err
}

// system bypasses privacy for credentials, which no viewer may touch
// directly: the service has already authorized the operation.
func system(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}
