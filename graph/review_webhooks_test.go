package graph_test

import (
	"slices"
	"testing"

	"github.com/hostpanel/panel/graph"
	"github.com/hostpanel/panel/internal/apitest"
	"github.com/hostpanel/panel/internal/dbtest"
)

// TestReviewWebhooksSSRFAddressForms: the address forms that name a
// refused address without being a canonical IP literal or a host name are
// refused at registration (INVALID on url, nothing created): IPv4 written
// in hex, octal, shortened or with a trailing dot (browsers and getaddrinfo
// read them as 127.0.0.1), IPv4-compatible and IPv4-translated IPv6,
// site-local and Teredo addresses. The numeric IPv4 forms are refused also
// where private addresses are allowed: they are not host names, and Go's
// resolver does not read them as addresses (the endpoint could never be
// reached).
func TestReviewWebhooksSSRFAddressForms(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s, _ := apitest.NewWith(t, d, apitest.Options{})
		lenient, _ := s.Twin(apitest.Options{Configure: func(c *graph.HandlerConfig) { c.Webhooks.AllowPrivate = true }})
		admin := s.AdminToken()
		refuse := func(srv *apitest.Server, who string, urls ...string) {
			t.Helper()
			for _, u := range urls {
				ep, _, ues := tryRegister(t, srv, admin, map[string]any{"url": u, "eventTypes": []string{"customer.created"}})
				if ep != nil || len(ues) != 1 || ues[0].Code != "INVALID" || !slices.Equal(ues[0].Field, []string{"url"}) || ues[0].Message == "" {
					t.Errorf("%s %s: endpoint %v userErrors %+v, want INVALID on url", who, u, ep, ues)
				}
			}
		}
		numeric := []string{
			"http://0x7f.0.0.1/", "http://0177.0.0.1/", "http://127.1/", "http://127.0.0.1./",
			"http://0x7f000001/", "http://10.1/", "https://169.254.169.254.:443/", "http://0xA9.0xFE.0xA9.0xFE/",
		}
		refuse(s, "strict", numeric...)
		refuse(s, "strict", "http://[::127.0.0.1]/", "http://[::a9fe:a9fe]/", "http://[::ffff:0:7f00:1]/",
			"http://[fec0::1]/", "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/")
		refuse(lenient, "lenient", numeric...)
		var l struct{ WebhookEndpoints struct{ TotalCount int } }
		s.Must(admin, `{webhookEndpoints{totalCount}}`, nil, &l)
		if l.WebhookEndpoints.TotalCount != 0 {
			t.Errorf("%d endpoints registered", l.WebhookEndpoints.TotalCount)
		}
		// A public name with digits in it stays a host name.
		if ep, _, ues := tryRegister(t, s, admin, map[string]any{"url": "https://hooks1.example.com/", "eventTypes": []string{"customer.created"}}); ep == nil || len(ues) > 0 {
			t.Errorf("hooks1.example.com refused: %+v", ues)
		}
	})
}
