package graph_test

import (
	"testing"

	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

func TestWorldBuilds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s := apitest.New(t, d)
		w := s.BuildWorld()
		r := s.Do(w.AdminToken, `{customers{totalCount edges{node{login owner{__typename ... on Reseller{login}} description subscriptions{totalCount edges{node{domain{name} domains{name} plan{name} planSync status}}}}}}}`, nil)
		t.Logf("%s %+v", r.Data, r.Errors)
	})
}
