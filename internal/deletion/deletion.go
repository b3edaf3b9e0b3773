// Package deletion deletes customers and resellers with everything below
// them (SPEC 3.7, 3.8), in one transaction per request.
//
// Authorization is the scoped load: the items are read through the viewer's
// privacy scope (a foreign ID looks missing), and only the IDs found are
// deleted. The deletes themselves run with a system context, because
// credentials and sessions are system-only rows and the scope was already
// decided; every statement is restricted to the loaded IDs.
//
// The work is set-based: a fixed list of statements per chunk of 1,000
// IDs, on literal IN lists (see tree.go), child tables first (sessions,
// credentials, domains, subscriptions, descriptions, panel users, then the
// accounts), so that nothing depends on the database's ON DELETE CASCADE
// and the counts reported are the rows actually removed. Audit events have
// no foreign keys and survive.
package deletion

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/hostpanel/panel/ent"
	"github.com/hostpanel/panel/ent/customer"
	"github.com/hostpanel/panel/ent/privacy"
	"github.com/hostpanel/panel/ent/reseller"
	"github.com/hostpanel/panel/internal/apperr"
	"github.com/hostpanel/panel/internal/audit"
	"github.com/hostpanel/panel/internal/bulk"
	"github.com/hostpanel/panel/internal/txn"
	"github.com/hostpanel/panel/internal/viewer"
)

// Service implements the deletions.
type Service struct{ client *ent.Client }

// NewService returns a Service.
func NewService(client *ent.Client) *Service { return &Service{client: client} }

// Summary is the API's DeletionSummary: what a deletion removes (or, in a
// dry run, would remove).
type Summary struct {
	Customers     int
	Subscriptions int
	Domains       int
	PanelUsers    int
	DomainNames   []string
}

func (s *Summary) add(o Summary) {
	s.Customers += o.Customers
	s.Subscriptions += o.Subscriptions
	s.Domains += o.Domains
	s.PanelUsers += o.PanelUsers
	s.DomainNames = append(s.DomainNames, o.DomainNames...)
}

// DeleteCustomersInput is the API's DeleteCustomersInput.
type DeleteCustomersInput struct {
	IDs    []int
	Mode   bulk.Mode
	DryRun bool
}

// CustomersResult is the API's DeleteCustomersPayload.
type CustomersResult struct {
	DeletedCustomerIDs []int
	Deleted            *Summary
	Committed          bool
	UserErrors         []*apperr.UserError
}

// CustomersAction is the API's ResellerCustomersAction: what happens to the
// customers of a deleted reseller.
type CustomersAction string

// Actions.
const (
	DeleteCustomers     CustomersAction = "DELETE"
	MoveToAdministrator CustomersAction = "MOVE_TO_ADMINISTRATOR"
)

// MarshalGQL implements graphql.Marshaler.
func (a CustomersAction) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(a))) }

// UnmarshalGQL implements graphql.Unmarshaler.
func (a *CustomersAction) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if s != string(DeleteCustomers) && s != string(MoveToAdministrator) {
		return fmt.Errorf("%q is not a valid ResellerCustomersAction", s)
	}
	*a = CustomersAction(s)
	return nil
}

// DeleteResellersInput is the API's DeleteResellersInput.
type DeleteResellersInput struct {
	IDs       []int
	Customers CustomersAction
	Mode      bulk.Mode
	DryRun    bool
}

// ResellersResult is the API's DeleteResellersPayload.
type ResellersResult struct {
	DeletedResellerIDs []int
	Deleted            *Summary
	MovedCustomers     int
	Committed          bool
	UserErrors         []*apperr.UserError
}

func emptySummary() *Summary { return &Summary{DomainNames: []string{}} }

// DeleteCustomers deletes each customer in the viewer's scope (the
// administrator: all; a reseller: its own) with its subscriptions, domains,
// panel users, descriptions, credentials, sessions and tokens.
func (s *Service) DeleteCustomers(ctx context.Context, in DeleteCustomersInput) (*CustomersResult, error) {
	req, err := bulk.NewRequest("ids", in.IDs)
	if err != nil {
		return nil, err
	}
	opts := bulk.Options{Mode: in.Mode, DryRun: in.DryRun}
	v := viewer.FromContext(ctx)
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	res := &CustomersResult{DeletedCustomerIDs: []int{}, Deleted: emptySummary()}
	err = txn.RunBulk(ctx, s.client, func(c *ent.Client) (bool, error) {
		// A retried attempt starts from scratch (internal/txn).
		req.Reset()
		*res = *&CustomersResult{DeletedCustomerIDs: []int{}, Deleted: emptySummary()}
		// Read in the viewer's scope (foreign customers look missing) and
		// lock the rows, so that a concurrent move cannot slip a customer
		// out of the scope between this check and the deletes.
		found := make(map[int]*ent.Customer, len(req.IDs))
		for _, chunk := range bulk.Chunks(req.IDs) {
			var cs []*ent.Customer
			err := c.Customer.Query().Where(customer.IDIn(chunk...)).
				Select(customer.FieldID, customer.FieldResellerID).Modify(txn.LockRows).Scan(ctx, &cs)
			if err != nil {
				return false, err
			}
			for _, cu := range cs {
				found[cu.ID] = cu
			}
		}
		for _, id := range req.IDs {
			if _, ok := found[id]; !ok {
				req.Fail(id, apperr.NotFound, "no such customer")
			}
		}
		res.UserErrors = req.Errors
		if !req.Proceed(opts) {
			return false, nil
		}
		valid := req.Valid()
		for _, chunk := range bulk.Chunks(valid) {
			sum, err := deleteCustomerTrees(sys, c, chunk)
			if err != nil {
				return false, err
			}
			res.Deleted.add(sum)
		}
		slices.Sort(res.Deleted.DomainNames)
		res.DeletedCustomerIDs = valid
		if len(valid) > 0 {
			e := audit.Event{
				Action: "customer.delete", Targets: valid,
				Summary: fmt.Sprintf("deleted %d customers with %d subscriptions, %d domains and %d panel users",
					res.Deleted.Customers, res.Deleted.Subscriptions, res.Deleted.Domains, res.Deleted.PanelUsers),
			}
			if v.Is(viewer.Reseller) {
				e.ScopeResellerID = &v.ResellerID
			} else {
				e.ScopeResellerIDs = audit.CustomerResellers(found, valid)
			}
			if err := audit.Record(ctx, c, e); err != nil {
				return false, err
			}
		}
		res.Committed = req.Committed(opts)
		return res.Committed, nil
	})
	if err != nil {
		return nil, err
	}
	if !res.Committed && !opts.DryRun {
		res.DeletedCustomerIDs, res.Deleted = []int{}, emptySummary()
	}
	return res, nil
}

// DeleteResellers (administrator only) deletes each reseller with its own
// subscriptions, domains, service plans, panel users, credential, sessions
// and tokens. Its customers are deleted with everything below them
// (DELETE) or become the administrator's (MOVE_TO_ADMINISTRATOR): their
// subscriptions keep their values as Custom, the reseller's descriptions
// stay (readable by the administrator only) and the PARENT suspension the
// reseller caused is lifted where no other source remains.
func (s *Service) DeleteResellers(ctx context.Context, in DeleteResellersInput) (*ResellersResult, error) {
	req, err := bulk.NewRequest("ids", in.IDs)
	if err != nil {
		return nil, err
	}
	if !viewer.FromContext(ctx).Is(viewer.Admin) {
		return nil, apperr.ForbiddenRequest()
	}
	opts := bulk.Options{Mode: in.Mode, DryRun: in.DryRun}
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	res := &ResellersResult{DeletedResellerIDs: []int{}, Deleted: emptySummary()}
	err = txn.RunBulk(ctx, s.client, func(c *ent.Client) (bool, error) {
		// A retried attempt starts from scratch (internal/txn).
		req.Reset()
		*res = *&ResellersResult{DeletedResellerIDs: []int{}, Deleted: emptySummary()}
		found := make(map[int]bool, len(req.IDs))
		for _, chunk := range bulk.Chunks(req.IDs) {
			// Locked: nothing can be created under these resellers (a
			// foreign key check reads the parent row) until they are gone.
			var ids []int
			err := c.Reseller.Query().Where(reseller.IDIn(chunk...)).Select(reseller.FieldID).Modify(txn.LockRows).Scan(ctx, &ids)
			if err != nil {
				return false, err
			}
			for _, id := range ids {
				found[id] = true
			}
		}
		for _, id := range req.IDs {
			if !found[id] {
				req.Fail(id, apperr.NotFound, "no such reseller")
			}
		}
		res.UserErrors = req.Errors
		if !req.Proceed(opts) {
			return false, nil
		}
		valid := req.Valid()
		for _, chunk := range bulk.Chunks(valid) {
			customers, err := c.Customer.Query().Where(customer.ResellerIDIn(chunk...)).IDs(sys)
			if err != nil {
				return false, err
			}
			for _, cs := range bulk.Chunks(customers) {
				if in.Customers == MoveToAdministrator {
					n, err := moveToAdministrator(sys, c, cs)
					if err != nil {
						return false, err
					}
					res.MovedCustomers += n
					continue
				}
				sum, err := deleteCustomerTrees(sys, c, cs)
				if err != nil {
					return false, err
				}
				res.Deleted.add(sum)
			}
			sum, err := deleteResellerTrees(sys, c, chunk)
			if err != nil {
				return false, err
			}
			res.Deleted.add(sum)
		}
		slices.Sort(res.Deleted.DomainNames)
		res.DeletedResellerIDs = valid
		if len(valid) > 0 {
			err := audit.Record(ctx, c, audit.Event{
				Action: "reseller.delete", Targets: valid, ScopeResellerIDs: valid,
				Summary: fmt.Sprintf("deleted %d resellers (customers: %s) with %d customers, %d subscriptions, %d domains and %d panel users; %d customers moved to the administrator",
					len(valid), in.Customers, res.Deleted.Customers, res.Deleted.Subscriptions, res.Deleted.Domains,
					res.Deleted.PanelUsers, res.MovedCustomers),
			})
			if err != nil {
				return false, err
			}
		}
		res.Committed = req.Committed(opts)
		return res.Committed, nil
	})
	if err != nil {
		return nil, err
	}
	if !res.Committed && !opts.DryRun {
		res.DeletedResellerIDs, res.Deleted, res.MovedCustomers = []int{}, emptySummary(), 0
	}
	return res, nil
}
