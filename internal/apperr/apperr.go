// Package apperr is the application's error vocabulary: user errors that go
// into a payload's userErrors (a code, a user-safe message and the path of
// the input field), and request errors that become top-level GraphQL errors
// with one of the API's codes. Anything else is an internal error and is
// never shown to a client.
package apperr

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Code is a UserErrorCode of the API.
type Code string

// User error codes (API section 2, UserErrorCode).
const (
	Invalid          Code = "INVALID"
	NotFound         Code = "NOT_FOUND"
	Taken            Code = "TAKEN"
	Forbidden        Code = "FORBIDDEN"
	LimitExceeded    Code = "LIMIT_EXCEEDED"
	PlanNotAvailable Code = "PLAN_NOT_AVAILABLE"
	InUse            Code = "IN_USE"
	Conflict         Code = "CONFLICT"
	WeakPassword     Code = "WEAK_PASSWORD"
)

// UserError is a business failure reported in a payload.
type UserError struct {
	Code    Code
	Message string
	Field   []string
}

func (e *UserError) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// New returns a user error on the input field at path.
func New(code Code, msg string, path ...string) *UserError {
	return &UserError{Code: code, Message: msg, Field: path}
}

// At returns a copy of e whose field path is prefixed with prefix.
func (e *UserError) At(prefix ...string) *UserError {
	c := *e
	c.Field = append(append([]string{}, prefix...), e.Field...)
	return &c
}

// Index is the path element of item i of a list.
func Index(i int) string { return strconv.Itoa(i) }

// List collects user errors.
type List []*UserError

// Add appends e.
func (l *List) Add(e *UserError) { *l = append(*l, e) }

// Request error codes (API section 1, errors[].extensions.code).
const (
	CodeUnauthenticated    = "UNAUTHENTICATED"
	CodeForbidden          = "FORBIDDEN"
	CodeBadUserInput       = "BAD_USER_INPUT"
	CodeRateLimited        = "RATE_LIMITED"
	CodeInternal           = "INTERNAL_SERVER_ERROR"
	CodeComplexityExceeded = "COMPLEXITY_LIMIT_EXCEEDED"
)

// RequestError is a top-level error with an API code and a user-safe message.
type RequestError struct {
	Code    string
	Message string
}

func (e *RequestError) Error() string { return e.Message }

// Unauthenticated is the error for a request without a valid token.
func Unauthenticated() error {
	return &RequestError{Code: CodeUnauthenticated, Message: "authentication required"}
}

// ForbiddenRequest is the error for a role that may never do this.
func ForbiddenRequest() error {
	return &RequestError{Code: CodeForbidden, Message: "not allowed for this role"}
}

// BadInput is the error for bad arguments.
func BadInput(format string, a ...any) error {
	return &RequestError{Code: CodeBadUserInput, Message: fmt.Sprintf(format, a...)}
}

// AsRequest returns the request error in err's chain, if any.
func AsRequest(err error) (*RequestError, bool) {
	var re *RequestError
	ok := errors.As(err, &re)
	return re, ok
}

// AsUser returns the user error in err's chain, if any.
func AsUser(err error) (*UserError, bool) {
	var ue *UserError
	ok := errors.As(err, &ue)
	return ue, ok
}

// MarshalGQL implements graphql.Marshaler for the UserErrorCode enum.
func (c Code) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(c))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (c *Code) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("UserErrorCode must be a string")
	}
	*c = Code(s)
	return nil
}

// Error returns the list as an error (nil when empty).
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

func (l List) Error() string {
	msgs := make([]string, len(l))
	for i, e := range l {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

// Split separates user errors (for a payload) from other errors (internal).
func Split(err error) ([]*UserError, error) {
	if err == nil {
		return []*UserError{}, nil
	}
	var l List
	if errors.As(err, &l) {
		return l, nil
	}
	if ue, ok := AsUser(err); ok {
		return []*UserError{ue}, nil
	}
	return nil, err
}
