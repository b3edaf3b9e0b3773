// Package events names what webhooks publish: the event types, and which
// audit action (internal/audit) is published as which type. The audit log
// is the source; every committed audit event with a type is written to the
// webhook outbox in the transaction of the change (docs/webhooks.md).
package events

import "slices"

// Types are the event types an endpoint may subscribe to, in the order
// they are documented.
var types = []string{
	"customer.created", "customer.updated", "customer.login_changed", "customer.password_changed",
	"customer.suspended", "customer.activated", "customer.moved", "customer.converted", "customer.deleted",
	"reseller.created", "reseller.updated", "reseller.login_changed", "reseller.password_changed",
	"reseller.suspended", "reseller.activated", "reseller.deleted",
	"subscription.created", "subscription.updated", "subscription.plan_changed", "subscription.synced",
	"subscription.suspended", "subscription.activated", "subscription.deleted",
	"domain.added", "domain.renamed", "domain.deleted",
	"panel_user.created", "panel_user.updated", "panel_user.login_changed", "panel_user.password_changed",
	"panel_user.deleted",
	"service_plan.created", "service_plan.updated", "service_plan.deleted",
	"reseller_plan.created", "reseller_plan.updated", "reseller_plan.deleted",
}

// Types returns every event type, in documentation order.
func Types() []string { return slices.Clone(types) }

// Known reports whether t is an event type.
func Known(t string) bool { return slices.Contains(types, t) }

// byAction maps the audit actions whose type is not the regular
// "<object>.<verb>" -> "<object>.<verb>ed" form.
var byAction = map[string]string{
	"customer.create":              "customer.created",
	"customer.update_contact":      "customer.updated",
	"customer.description_set":     "customer.updated",
	"customer.description_removed": "customer.updated",
	"customer.login_changed":       "customer.login_changed",
	"customer.suspend":             "customer.suspended",
	"customer.activate":            "customer.activated",
	"customer.move":                "customer.moved",
	"customer.convert":             "customer.converted",
	"customer.delete":              "customer.deleted",
	"reseller.create":              "reseller.created",
	"reseller.update_contact":      "reseller.updated",
	"reseller.login_changed":       "reseller.login_changed",
	"reseller.suspend":             "reseller.suspended",
	"reseller.activate":            "reseller.activated",
	"reseller.delete":              "reseller.deleted",
	"subscription.create":          "subscription.created",
	"subscription.update":          "subscription.updated",
	"subscription.change_plan":     "subscription.plan_changed",
	"subscription.sync":            "subscription.synced",
	"subscription.suspend":         "subscription.suspended",
	"subscription.activate":        "subscription.activated",
	"subscription.delete":          "subscription.deleted",
	"domain.add":                   "domain.added",
	"domain.rename":                "domain.renamed",
	"domain.delete":                "domain.deleted",
	"panel_user.create":            "panel_user.created",
	"panel_user.update":            "panel_user.updated",
	"panel_user.login_changed":     "panel_user.login_changed",
	"panel_user.delete":            "panel_user.deleted",
	"service_plan.create":          "service_plan.created",
	"service_plan.update":          "service_plan.updated",
	"service_plan.delete":          "service_plan.deleted",
	"reseller_plan.create":         "reseller_plan.created",
	"reseller_plan.update":         "reseller_plan.updated",
	"reseller_plan.delete":         "reseller_plan.deleted",
}

// ForAction returns the event type an audit action is published as, or ""
// for actions that are not published (sign-in, API tokens, password reset
// requests, refused actions, webhook endpoint management).
func ForAction(action string) string { return byAction[action] }

// Credential returns the types of a change of an account's credential:
// kind is "customer", "reseller" or "panel_user"; a change of both the
// login and the password is both types.
func Credential(kind string, login, password bool) []string {
	var out []string
	if login {
		out = append(out, kind+".login_changed")
	}
	if password {
		out = append(out, kind+".password_changed")
	}
	return slices.DeleteFunc(out, func(t string) bool { return !Known(t) })
}
