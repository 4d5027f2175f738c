package httpapi

import (
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// JoinLimits bounds how fast wrong invitation codes may be tried: token
// buckets per client address and for the whole node. Only wrong codes
// spend tokens (a successful join gives its token back), so a room of
// 1,600 delegates signing in at 8:00 is never slowed; a guessing loop gets
// 429 with Retry-After. Zero values mean the defaults given.
type JoinLimits struct {
	// PerAddress is the steady rate of wrong codes one address may try,
	// per minute; 0 means 6.
	PerAddress float64
	// AddressBurst is how many wrong codes an address may try at once;
	// 0 means 10.
	AddressBurst int
	// Global is the steady rate of wrong codes for the node, per second;
	// 0 means 20.
	Global float64
	// GlobalBurst is the node's burst; 0 means 200.
	GlobalBurst int
	// TrustedProxies are the addresses of reverse proxies (nginx) whose
	// X-Real-IP header names the client; empty trusts no header.
	TrustedProxies []netip.Prefix
	// MaxAddresses bounds the addresses remembered; 0 means 100,000. When
	// full, the addresses whose buckets are full again are forgotten
	// first.
	MaxAddresses int
}

func (l *JoinLimits) defaults() {
	if l.PerAddress <= 0 {
		l.PerAddress = 6
	}
	if l.AddressBurst <= 0 {
		l.AddressBurst = 10
	}
	if l.Global <= 0 {
		l.Global = 20
	}
	if l.GlobalBurst <= 0 {
		l.GlobalBurst = 200
	}
	if l.MaxAddresses <= 0 {
		l.MaxAddresses = 100_000
	}
}

// joinLimiter holds the buckets. Safe for concurrent use.
type joinLimiter struct {
	cfg    JoinLimits
	global *rate.Limiter

	mu      sync.Mutex
	addrs   map[string]*addrBucket
	lastLog time.Time // last 429 logged for an address without a bucket
}

type addrBucket struct {
	lim    *rate.Limiter
	logged time.Time // last 429 logged for this address
}

func newJoinLimiter(cfg JoinLimits) *joinLimiter {
	cfg.defaults()
	return &joinLimiter{
		cfg:    cfg,
		global: rate.NewLimiter(rate.Limit(cfg.Global), cfg.GlobalBurst),
		addrs:  map[string]*addrBucket{},
	}
}

// addr is the client address a request is counted under: the peer's IP
// (an IPv6 client by its /64, which one machine usually holds whole), or
// the X-Real-IP a trusted proxy set.
func (l *joinLimiter) addr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if real := r.Header.Get("X-Real-IP"); real != "" && l.trusted(ip) {
		if rip, err := netip.ParseAddr(real); err == nil {
			ip = rip.Unmap()
		}
	}
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

func (l *joinLimiter) trusted(ip netip.Addr) bool {
	for _, p := range l.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// check returns how long addr must wait before its next attempt: 0 when
// both its bucket and the node's hold a token. Nothing is spent: only a
// wrong code spends (failed), so right codes never use up the limit.
// Concurrent attempts may pass together; each wrong one then leaves a debt
// that the next attempts wait out, so the rate holds over time.
func (l *joinLimiter) check(addr string) time.Duration {
	now := time.Now()
	l.mu.Lock()
	b := l.addrs[addr]
	var wait time.Duration
	if b != nil {
		wait = waitFor(b.lim, now)
	}
	l.mu.Unlock()
	return max(wait, waitFor(l.global, now))
}

// failed spends a token of addr's bucket and of the node's for a wrong code.
func (l *joinLimiter) failed(addr string) {
	now := time.Now()
	l.mu.Lock()
	b := l.addrs[addr]
	if b == nil {
		if len(l.addrs) >= l.cfg.MaxAddresses {
			l.forget(now)
		}
		b = &addrBucket{lim: rate.NewLimiter(rate.Limit(l.cfg.PerAddress/60), l.cfg.AddressBurst)}
		l.addrs[addr] = b
	}
	b.lim.ReserveN(now, 1)
	l.mu.Unlock()
	l.global.ReserveN(now, 1)
}

// waitFor is how long until lim holds one token.
func waitFor(lim *rate.Limiter, now time.Time) time.Duration {
	tokens := lim.TokensAt(now)
	if tokens >= 1 {
		return 0
	}
	return time.Duration((1 - tokens) / float64(lim.Limit()) * float64(time.Second))
}

// forget drops the addresses whose buckets are full again (they lose
// nothing by being forgotten), and if none is, half of them. l.mu is held.
func (l *joinLimiter) forget(now time.Time) {
	for a, b := range l.addrs {
		if b.lim.TokensAt(now) >= float64(l.cfg.AddressBurst) {
			delete(l.addrs, a)
		}
	}
	for a := range l.addrs {
		if len(l.addrs) < l.cfg.MaxAddresses/2 {
			break
		}
		delete(l.addrs, a)
	}
}

// refused logs a 429, at most once a minute per address, and at most once
// a second for addresses not seen before (a flood from many addresses
// against the node's limit).
func (l *joinLimiter) refused(log *slog.Logger, addr string, wait time.Duration) {
	now := time.Now()
	l.mu.Lock()
	b := l.addrs[addr]
	var first bool
	if b != nil {
		first = now.Sub(b.logged) > time.Minute
		if first {
			b.logged = now
		}
	} else {
		first = now.Sub(l.lastLog) > time.Second
		if first {
			l.lastLog = now
		}
	}
	l.mu.Unlock()
	if first {
		log.Warn("join refused: too many wrong invitation codes", "addr", addr, "retry_after", wait.Round(time.Second))
	}
}
