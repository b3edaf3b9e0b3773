package graph_test

import (
	"regexp"
	"slices"
	"strings"
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

// TestReviewWebhooksLastErrorNoInternals: the delivery log shows an
// endpoint's owner why an attempt failed, but not the server's internals:
// neither the address a refused host name resolved to on the server's
// network (DNS rebinding would map internal names to internal addresses)
// nor the address of the server's DNS resolver.
func TestReviewWebhooksLastErrorNoInternals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d string) {
		s, _ := apitest.NewWith(t, d, apitest.Options{})
		admin := s.AdminToken()
		rcv := newReceiver(t, nil)
		tw, _ := s.Twin(apitest.Options{Configure: func(c *graph.HandlerConfig) { c.Webhooks.AllowPrivate = true }})
		byName := strings.Replace(rcv.URL, "127.0.0.1", "localhost", 1)
		epLocal, _ := register(t, tw, admin, byName, "customer.created")
		epNX, _ := register(t, tw, admin, "http://no-such-host.invalid/hook", "customer.created")
		strict := fastHooks()
		strict.AllowPrivate = false
		s.StartWebhookWorker(strict)
		createCustomer(t, s, admin, "lasterr")
		lastError := func(ep string) string {
			var msg string
			eventually(t, "a failed attempt", func() bool {
				st := deliveries(t, s, admin, ep)
				if len(st.Deliveries) == 1 && st.Deliveries[0].LastError != nil {
					msg = *st.Deliveries[0].LastError
					return true
				}
				return false
			})
			return msg
		}
		ip := regexp.MustCompile(`\d+\.\d+\.\d+\.\d+|::1|:53\b`)
		if msg := lastError(epLocal); !strings.Contains(msg, "refused to connect to a loopback, private or reserved address") || ip.MatchString(msg) {
			t.Errorf("refused host name: lastError %q shows the address it resolved to", msg)
		}
		if msg := lastError(epNX); msg == "" || ip.MatchString(msg) {
			t.Errorf("unresolvable host: lastError %q shows the server's resolver", msg)
		}
		if n := len(rcv.requests()); n != 0 {
			t.Errorf("the receiver got %d requests", n)
		}
	})
}
