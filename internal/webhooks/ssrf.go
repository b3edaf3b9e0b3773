package webhooks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// reserved are address ranges that are neither the loopback, private,
// link-local, multicast nor unspecified ones of netip, and still must not be
// reached from the server: shared address space (carrier-grade NAT), IETF
// protocol assignments, documentation and benchmarking networks, reserved
// and broadcast addresses, and IPv6 prefixes that embed an IPv4 address
// (IPv4-compatible, IPv4-translated, NAT64, 6to4, Teredo), are discard-only
// or site-local.
var reserved = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "192.0.2.0/24", "198.18.0.0/15",
		"198.51.100.0/24", "203.0.113.0/24", "240.0.0.0/4", "255.255.255.255/32",
		"64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001:db8::/32", "2002::/16",
		// IPv4-compatible (deprecated, ::a.b.c.d) and IPv4-translated
		// (::ffff:0:a.b.c.d) addresses, the IETF protocol assignments
		// (Teredo, which embeds an IPv4 address, among them) and the
		// deprecated site-local prefix, still routed inside some networks.
		"::/96", "::ffff:0:0:0/96", "2001::/23", "fec0::/10",
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// Blocked reports whether the server must not connect to ip unless private
// addresses are allowed: loopback, private, link-local, multicast,
// unspecified and the reserved ranges (IPv4-mapped IPv6 addresses are
// judged as the IPv4 address they carry).
func Blocked(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// errBlocked is the delivery error of a refused address.
var errBlocked = errors.New("refused to connect to a loopback, private or reserved address")

// dialControl refuses, at connect time, every address Blocked refuses: a
// host name that resolved to a public address at registration and to a
// private one now (DNS rebinding) is caught here, after resolution.
func dialControl(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return fmt.Errorf("%w (%s)", errBlocked, host)
		}
		if Blocked(ip) {
			return fmt.Errorf("%w (%s)", errBlocked, ip)
		}
		return nil
	}
}

// maxURLLength bounds an endpoint URL.
const maxURLLength = 2048

// lookupTimeout bounds the resolution of an endpoint's host at
// registration.
const lookupTimeout = 2 * time.Second

// checkURL validates an endpoint URL and returns it normalized: absolute
// http or https with a host, no credentials, and, unless allowPrivate, no
// host that is or resolves to an address Blocked refuses. A host that does
// not resolve now is accepted: the delivery-time check (dialControl) is the
// one that holds. The message is user-safe.
func checkURL(ctx context.Context, raw string, allowPrivate bool, lookup func(context.Context, string) ([]string, error)) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", errors.New("url is required")
	}
	if len(raw) > maxURLLength {
		return "", fmt.Errorf("url must be at most %d characters long", maxURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() {
		return "", errors.New("url must be an absolute http or https URL")
	}
	if len(u.String()) > maxURLLength {
		// Stored normalized: percent-encoding may lengthen it.
		return "", fmt.Errorf("url must be at most %d characters long once percent-encoded", maxURLLength)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", errors.New("url must use http or https")
	}
	host := u.Hostname()
	if host == "" || u.Opaque != "" {
		return "", errors.New("url must name a host")
	}
	if u.User != nil {
		return "", errors.New("url must not contain credentials")
	}
	if p := u.Port(); p != "" {
		var n int
		if _, err := fmt.Sscanf(p, "%d", &n); err != nil || n < 1 || n > 65535 {
			return "", errors.New("url has an invalid port")
		}
	}
	if numericHost(host) {
		return "", errors.New("url must name a host name or an IP address in standard form (such as 192.0.2.1 or [2001:db8::1])")
	}
	if allowPrivate {
		return u.String(), nil
	}
	refused := errors.New("url must not point to a loopback, private or reserved address")
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		if Blocked(ip) {
			return "", refused
		}
		return u.String(), nil
	}
	lower := strings.ToLower(strings.TrimSuffix(host, "."))
	if lower == "localhost" || strings.HasSuffix(lower, ".localhost") || !strings.Contains(lower, ".") {
		return "", refused
	}
	lctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	addrs, err := lookup(lctx, host)
	if err != nil {
		return u.String(), nil
	}
	for _, a := range addrs {
		if ip, err := netip.ParseAddr(a); err == nil && Blocked(ip) {
			return "", refused
		}
	}
	return u.String(), nil
}

// numericHost reports whether host is an IPv4 address in a form other than
// four dotted decimal numbers: its last label (after a trailing dot) is a
// number, decimal, octal or hex ("127.1", "0x7f.0.0.1", "0177.0.0.1",
// "2130706433", "127.0.0.1."). The WHATWG URL standard, browsers and
// getaddrinfo read such hosts as IPv4 addresses, Go's resolver as names that
// do not resolve: either way they are not host names, and judging them by
// what they resolve to at registration would let "127.1" through.
func numericHost(host string) bool {
	if _, err := netip.ParseAddr(host); err == nil {
		return false
	}
	h := strings.TrimSuffix(host, ".")
	last := h[strings.LastIndex(h, ".")+1:]
	if last == "" {
		return false
	}
	digits := last
	if l := strings.ToLower(last); strings.HasPrefix(l, "0x") {
		digits = l[2:]
		return strings.Trim(digits, "0123456789abcdef") == ""
	}
	return strings.Trim(digits, "0123456789") == ""
}
