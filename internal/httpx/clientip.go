package httpx

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies parses a comma-separated list of IP addresses and
// CIDR prefixes (e.g. "10.0.0.0/8, 127.0.0.1").
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q is not an address or CIDR prefix", f)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is not an address or CIDR prefix", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

type clientIPKey struct{}

// ClientIPFromContext returns the client address put in ctx by ClientIP (the
// zero Addr if none).
func ClientIPFromContext(ctx context.Context) netip.Addr {
	a, _ := ctx.Value(clientIPKey{}).(netip.Addr)
	return a
}

// WithClientIP returns ctx carrying the client address a.
func WithClientIP(ctx context.Context, a netip.Addr) context.Context {
	return context.WithValue(ctx, clientIPKey{}, a)
}

// ClientIP puts the client's address into the request context. It is the
// connection's peer address unless that peer is a trusted proxy: then
// X-Forwarded-For is read from right to left, skipping trusted proxies, and
// the first address not trusted is the client. X-Forwarded-For from anyone
// else is ignored, so a client cannot choose its address.
func ClientIP(trusted []netip.Prefix, next http.Handler) http.Handler {
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ap, err := netip.ParseAddrPort(r.RemoteAddr)
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		client := ap.Addr().Unmap()
		if isTrusted(client) {
			var hops []string
			for _, h := range r.Header.Values("X-Forwarded-For") {
				hops = append(hops, strings.Split(h, ",")...)
			}
			for i := len(hops) - 1; i >= 0; i-- {
				a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
				if err != nil {
					break // garbage: keep the last hop we could trust
				}
				client = a.Unmap()
				if !isTrusted(client) {
					break
				}
			}
		}
		next.ServeHTTP(w, r.WithContext(WithClientIP(r.Context(), client)))
	})
}
