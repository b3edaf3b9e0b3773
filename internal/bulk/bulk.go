// Package bulk holds the semantics shared by every bulk mutation (API
// section 1, SPEC section 3): at most 10,000 items, repeated IDs applied
// once, ATOMIC or PARTIAL mode, dry runs, and IN lists chunked so that the
// number of statements grows with chunks, never with items.
package bulk

import (
	"fmt"
	"io"
	"strconv"

	"github.com/hostpanel/panel/internal/apperr"
)

// MaxItems is the most items one bulk request may hold.
const MaxItems = 10000

// ChunkSize bounds the IN lists of bulk statements.
const ChunkSize = 1000

// Mode is ATOMIC (any failing item changes nothing) or PARTIAL (valid items
// are applied, failing ones reported).
type Mode string

// Modes.
const (
	Atomic  Mode = "ATOMIC"
	Partial Mode = "PARTIAL"
)

// MarshalGQL implements graphql.Marshaler for the BulkMode enum.
func (m Mode) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(m))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (m *Mode) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if s != string(Atomic) && s != string(Partial) {
		return fmt.Errorf("%q is not a valid BulkMode", s)
	}
	*m = Mode(s)
	return nil
}

// Options of a bulk request.
type Options struct {
	Mode   Mode
	DryRun bool
}

// Request is a list of IDs under way: the unique IDs in input order, the
// index of each ID's first occurrence (for error paths), and the user errors
// found so far.
type Request struct {
	Field  string
	IDs    []int
	index  map[int]int
	Errors apperr.List
	failed map[int]bool
}

// NewRequest checks the size of ids (more than MaxItems is BAD_USER_INPUT)
// and removes repeats; field is the input field of the list ("ids").
func NewRequest(field string, ids []int) (*Request, error) {
	if len(ids) > MaxItems {
		return nil, apperr.BadInput("at most %d items per request, got %d", MaxItems, len(ids))
	}
	r := &Request{Field: field, index: make(map[int]int, len(ids)), failed: map[int]bool{}}
	for i, id := range ids {
		if _, ok := r.index[id]; ok {
			continue
		}
		r.index[id] = i
		r.IDs = append(r.IDs, id)
	}
	return r, nil
}

// Reset forgets the user errors found so far, for a transaction that runs
// again after a deadlock (see internal/txn).
func (r *Request) Reset() {
	r.Errors = nil
	r.failed = map[int]bool{}
}

// Fail records a user error for id.
func (r *Request) Fail(id int, code apperr.Code, msg string) {
	if r.failed[id] {
		return
	}
	r.failed[id] = true
	r.Errors.Add(apperr.New(code, msg, r.Field, apperr.Index(r.index[id])))
}

// Valid returns the IDs without errors, in input order.
func (r *Request) Valid() []int {
	out := make([]int, 0, len(r.IDs))
	for _, id := range r.IDs {
		if !r.failed[id] {
			out = append(out, id)
		}
	}
	return out
}

// Proceed reports whether the valid items are to be applied: always in
// PARTIAL mode, only without errors in ATOMIC mode.
func (r *Request) Proceed(o Options) bool {
	return o.Mode == Partial || len(r.Errors) == 0
}

// Committed reports whether the request's changes stay.
func (r *Request) Committed(o Options) bool {
	return !o.DryRun && r.Proceed(o)
}

// Chunks splits ids into IN lists of at most ChunkSize.
func Chunks(ids []int) [][]int {
	var out [][]int
	for i := 0; i < len(ids); i += ChunkSize {
		out = append(out, ids[i:min(i+ChunkSize, len(ids))])
	}
	return out
}
