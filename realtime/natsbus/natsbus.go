// Package natsbus is the message bus between Dais nodes, on NATS: after a
// node appends a meeting's events it publishes them here, and every node that
// serves a participant of that meeting receives them. Ephemeral signals (a
// pointer, ink being drawn) travel here too and nowhere else.
//
// Core NATS delivers at most once: a message can be lost. Receivers use the
// events' sequence numbers to detect gaps and read them from the log; this
// package does not try to be reliable.
//
// Subjects: dais.m.<meeting>.ev carries a JSON array of events,
// dais.m.<meeting>.sig one signal. Meeting ids are checked to be subject-safe.
//
// Trust: whoever may publish on NATS could otherwise put a forged event at
// the next seq on every tablet. With a key (Config.Key; an embedded bus
// makes its own) every message carries a header Dais-Mac: the time it was
// sent and an HMAC-SHA256 of subject, time and body under the key, which
// only the nodes hold. A subscriber hands events on only when their MAC is
// right; a message without one (or with a wrong one) is a doorbell only:
// onEvents gets no events, and the receiver reads the log (the truth). A
// signal without a right MAC, or older than a minute, is dropped. Without
// a key (an external bus not configured with one) every event message is a
// doorbell and signals are passed on unchecked.
//
// Concurrency: a Bus is safe for concurrent use. Handlers run on the NATS
// client's delivery goroutine of their subscription, one message at a time,
// and must not block.
package natsbus

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/dais-meeting/dais/meeting"
)

// Config says which NATS to use.
type Config struct {
	// URLs of the NATS servers (a cluster: several). Empty means: start an
	// embedded server in this process.
	URLs []string
	// EmbeddedPort is the client port of the embedded server: 0 means it
	// listens on no port (reached in-process only), -1 a random port.
	EmbeddedPort int
	// Name identifies this node's connection in NATS monitoring.
	Name string
	// CredsFile is a NATS credentials file; empty means none.
	CredsFile string
	// User and Password authenticate when set.
	User, Password string
	// Token authenticates when set.
	Token string
	// RootCAs, CertFile and KeyFile configure TLS when set.
	RootCAs           []string
	CertFile, KeyFile string
	// Key authenticates the messages between nodes (HMAC-SHA256, at least
	// 32 bytes); every node of a cluster needs the same key. Empty: an
	// embedded bus makes a random one (only this process publishes on it);
	// with URLs, messages go unauthenticated and receivers take event
	// messages as doorbells only (they read the log).
	Key []byte
	// Logger receives connection events; nil means slog.Default().
	Logger *slog.Logger

	// Leaf nodes (docs/bridge.md). A centre's embedded server accepts the
	// leaf connections of bridge sites on LeafListen ("host:port"; port 0
	// picks a free one, see LeafURL); empty: none. Each leaf connection
	// authenticates with LeafUser and LeafPassword, and with a client
	// certificate when LeafTLS asks for one.
	LeafListen             string
	LeafUser, LeafPassword string
	LeafTLS                *tls.Config
	// LeafSites, when set, replace LeafUser: each bridge site's leaf
	// connection logs in as its own user, held to the site's subjects
	// (sites.go). This node's own connection then logs in too.
	LeafSites []LeafSite
	// InboxPrefix is where this connection's request answers come back
	// (an edge: SiteInbox(site), inside the subjects its leaf connection
	// may receive); empty: NATS's _INBOX.
	InboxPrefix string
	// LeafRemotes make the embedded server a leaf node of a centre's NATS:
	// the URLs of its leafnode listeners (nats-leaf://user:pass@host:7422,
	// tls:// for TLS). The server keeps reconnecting on its own after a
	// cut. LeafCreds is a NATS credentials file for the remote; LeafRemoteTLS
	// the TLS settings (root CAs, client certificate).
	LeafRemotes   []string
	LeafCreds     string
	LeafRemoteTLS *tls.Config
}

// MinKeyBytes is the shortest Config.Key accepted.
const MinKeyBytes = 32

// Bus is a connection to NATS, and the embedded server when it owns one.
type Bus struct {
	nc  *nats.Conn
	srv *server.Server // nil when connected to an external NATS
	log *slog.Logger
	key []byte // nil: messages are not authenticated
	// forged counts event messages refused for their MAC (logged 1 in 1000).
	forged atomic.Int64
	// leafURL is the address leaf nodes connect to ("" without LeafListen).
	leafURL string
}

// Open connects to NATS, starting the embedded server first when no URL is
// given. The caller closes the Bus.
func Open(ctx context.Context, cfg Config) (*Bus, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	b := &Bus{log: log}
	switch {
	case len(cfg.Key) > 0 && len(cfg.Key) < MinKeyBytes:
		return nil, fmt.Errorf("natsbus: the bus key has %d bytes, want at least %d", len(cfg.Key), MinKeyBytes)
	case len(cfg.Key) > 0:
		b.key = slices.Clone(cfg.Key)
	case len(cfg.URLs) == 0:
		b.key = make([]byte, MinKeyBytes)
		if _, err := rand.Read(b.key); err != nil {
			return nil, fmt.Errorf("natsbus: making a bus key: %w", err)
		}
	default:
		log.Warn("the bus has no key: events from NATS are read from the log (a doorbell only) and signals are not authenticated; set the same -bus-key-file on every node")
	}
	opts := []nats.Option{
		nats.Name(cfg.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.ReconnectBufSize(8 << 20),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			log.Warn("bus disconnected", "err", err)
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("bus reconnected", "server", nc.ConnectedUrlRedacted())
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subject := ""
			if sub != nil {
				subject = sub.Subject
			}
			log.Warn("bus error", "subject", subject, "err", err)
		}),
	}
	if cfg.InboxPrefix != "" {
		opts = append(opts, nats.CustomInboxPrefix(cfg.InboxPrefix))
	}
	url := ""
	if len(cfg.URLs) == 0 {
		srv, leafURL, self, err := startEmbedded(cfg)
		if err != nil {
			return nil, err
		}
		b.srv, b.leafURL = srv, leafURL
		opts = append(opts, nats.InProcessServer(srv))
		if self != nil {
			opts = append(opts, nats.UserInfo(self.Username, self.Password))
		}
	} else {
		if cfg.LeafListen != "" || len(cfg.LeafRemotes) > 0 || len(cfg.LeafSites) > 0 {
			return nil, errors.New("natsbus: leaf node settings need the embedded server (with an external NATS, configure leafnodes {} there)")
		}
		for i, u := range cfg.URLs {
			if i > 0 {
				url += ","
			}
			url += u
		}
		if cfg.CredsFile != "" {
			opts = append(opts, nats.UserCredentials(cfg.CredsFile))
		}
		if cfg.User != "" {
			opts = append(opts, nats.UserInfo(cfg.User, cfg.Password))
		}
		if cfg.Token != "" {
			opts = append(opts, nats.Token(cfg.Token))
		}
		if len(cfg.RootCAs) > 0 {
			opts = append(opts, nats.RootCAs(cfg.RootCAs...))
		}
		if cfg.CertFile != "" {
			opts = append(opts, nats.ClientCert(cfg.CertFile, cfg.KeyFile))
		}
		opts = append(opts, nats.RetryOnFailedConnect(false))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		if b.srv != nil {
			b.srv.Shutdown()
		}
		return nil, fmt.Errorf("natsbus: connecting: %w", err)
	}
	b.nc = nc
	return b, nil
}

// startEmbedded starts an in-process NATS server, with a leafnode listener
// or leaf remotes when cfg asks for them. It returns the URL leaf nodes
// connect to ("" without a listener), and the user this process's
// connection logs in as (nil: none needed).
func startEmbedded(cfg Config) (*server.Server, string, *server.User, error) {
	name := "dais-embedded"
	if cfg.Name != "" {
		// Leaf nodes and their hub must not share a server name.
		name = "dais-" + cfg.Name
	}
	opts := &server.Options{
		ServerName: name,
		Host:       "127.0.0.1",
		Port:       cfg.EmbeddedPort,
		NoSigs:     true,
		NoLog:      true,
		MaxPayload: 8 << 20,
	}
	if cfg.EmbeddedPort == 0 {
		opts.DontListen = true
	}
	leafURL := ""
	if cfg.LeafListen != "" {
		// A leaf connection reads and answers every meeting's subjects: a
		// listener must ask for something. nats-server itself admits a
		// leaf with no credentials when none are configured (a sites
		// file with no site in it did just that).
		if cfg.LeafUser == "" && len(cfg.LeafSites) == 0 && (cfg.LeafTLS == nil || cfg.LeafTLS.ClientAuth != tls.RequireAndVerifyClientCert) {
			return nil, "", nil, errors.New("natsbus: a leaf listener needs LeafSites, LeafUser or client certificates (LeafTLS verifying them): it would admit any leaf connection")
		}
		host, port, err := leafAddr(cfg.LeafListen)
		if err != nil {
			return nil, "", nil, err
		}
		opts.LeafNode = server.LeafNodeOpts{
			Host: host, Port: port,
			Username: cfg.LeafUser, Password: cfg.LeafPassword,
			TLSConfig: cfg.LeafTLS,
			// Sites reach the centre at the address they were given
			// (through NAT, a proxy): the server's own is of no use to
			// them, and a site must not go around its link.
			NoAdvertise: true,
		}
		if cfg.LeafTLS != nil {
			opts.LeafNode.TLSTimeout = 5
			opts.LeafNode.TLSMap = false
		}
		scheme := "nats-leaf"
		if cfg.LeafTLS != nil {
			scheme = "tls"
		}
		leafURL = scheme + "://" + net.JoinHostPort(host, strconv.Itoa(port))
	}
	var self *server.User
	if len(cfg.LeafSites) > 0 {
		if cfg.LeafListen == "" || cfg.LeafUser != "" {
			return nil, "", nil, errors.New("natsbus: LeafSites need LeafListen, and replace LeafUser")
		}
		// No leafnode authorization of its own: a leaf connection logs in
		// as one of the server's users, a site's, with its permissions.
		users, err := siteUsers(cfg.LeafSites)
		if err != nil {
			return nil, "", nil, err
		}
		if self, err = nodeUser(); err != nil {
			return nil, "", nil, err
		}
		opts.Users = append(users, self)
	}
	if len(cfg.LeafRemotes) > 0 {
		// One remote with every URL: the server connects to one of them
		// and fails over to the others (several remotes would be several
		// leaf connections to the same centre).
		r := &server.RemoteLeafOpts{
			Credentials: cfg.LeafCreds,
			// The site publishes nothing on the meetings' subjects: its
			// tablets' commands go by request (docs/bridge.md).
			DenyExports: []string{"dais.m.>"},
		}
		for _, raw := range cfg.LeafRemotes {
			u, err := url.Parse(raw)
			if err != nil || u.Host == "" {
				return nil, "", nil, fmt.Errorf("natsbus: bad leaf remote URL %q", redact(raw))
			}
			r.URLs = append(r.URLs, u)
			if u.Scheme == "tls" {
				r.TLS = true
			}
		}
		if cfg.LeafRemoteTLS != nil || r.TLS {
			r.TLS = true
			r.TLSConfig = cfg.LeafRemoteTLS
			r.TLSTimeout = 5
		}
		opts.LeafNode.Remotes = []*server.RemoteLeafOpts{r}
	}
	if len(opts.LeafNode.Remotes) > 0 {
		opts.LeafNode.ReconnectInterval = 500 * time.Millisecond
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, "", nil, fmt.Errorf("natsbus: embedded server: %w", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return nil, "", nil, errors.New("natsbus: embedded server did not start")
	}
	return srv, leafURL, self, nil
}

// leafAddr splits a leafnode listen address; port 0 picks a free port now.
func leafAddr(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("natsbus: bad leaf listen address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("natsbus: bad leaf listen port %q", p)
	}
	if host == "" {
		host = "0.0.0.0"
	}
	if port == 0 {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return "", 0, fmt.Errorf("natsbus: picking a leaf port: %w", err)
		}
		port = ln.Addr().(*net.TCPAddr).Port
		_ = ln.Close()
	}
	return host, port, nil
}

// redact hides a URL's password.
func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(unparsable)"
}

// LeafURL is where leaf nodes connect to this node's embedded server
// (nats-leaf://host:port, tls://… with TLS), or "" without a listener.
func (b *Bus) LeafURL() string { return b.leafURL }

// LeafConnected reports whether the embedded server has a leaf connection
// up: for an edge, whether its link to the centre is up.
func (b *Bus) LeafConnected() bool {
	return b.srv != nil && b.srv.NumLeafNodes() > 0
}

// ClientURL is the embedded server's address when it listens on a port, or "".
func (b *Bus) ClientURL() string {
	if b.srv == nil || b.srv.Addr() == nil {
		return ""
	}
	return b.srv.ClientURL()
}

// Ping reports whether the bus is connected and the server answers (for
// /readyz). Without a deadline in ctx it waits at most two seconds.
func (b *Bus) Ping(ctx context.Context) error {
	if !b.nc.IsConnected() {
		return fmt.Errorf("natsbus: not connected (%s)", b.nc.Status())
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
	}
	return b.nc.FlushWithContext(ctx)
}

// Close drains the subscriptions, closes the connection and stops the
// embedded server. It may be called more than once.
func (b *Bus) Close() error {
	if !b.nc.IsClosed() {
		if err := b.nc.Drain(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
			b.nc.Close()
		}
		// Drain closes asynchronously; wait for it.
		deadline := time.Now().Add(5 * time.Second)
		for !b.nc.IsClosed() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		b.nc.Close()
	}
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
	}
	return nil
}

func subject(meetingID, kind string) (string, error) {
	if !meeting.ValidMeetingID(meetingID) {
		return "", fmt.Errorf("natsbus: meeting id %q cannot name a subject", meetingID)
	}
	return "dais.m." + meetingID + "." + kind, nil
}

// Authenticated reports whether the bus signs and checks its messages.
func (b *Bus) Authenticated() bool { return b.key != nil }

// macHeader carries "<unix ms>.<base64url HMAC>" on every message of a bus
// with a key.
const macHeader = "Dais-Mac"

// signalMaxAge is how old a signal may be and still be shown: a replayed
// one (a laser pointer from an hour ago) is dropped.
const signalMaxAge = time.Minute

// mac is the MAC of a message.
func (b *Bus) mac(subj, ts string, data []byte) []byte {
	h := hmac.New(sha256.New, b.key)
	h.Write([]byte(subj))
	h.Write([]byte{0})
	h.Write([]byte(ts))
	h.Write([]byte{0})
	h.Write(data)
	return h.Sum(nil)
}

// publish sends data on subj, signed when the bus has a key.
func (b *Bus) publish(subj string, data []byte) error {
	m := nats.NewMsg(subj)
	m.Data = data
	if b.key != nil {
		ts := strconv.FormatInt(time.Now().UnixMilli(), 10)
		m.Header.Set(macHeader, ts+"."+base64.RawURLEncoding.EncodeToString(b.mac(subj, ts, data)))
	}
	return b.nc.PublishMsg(m)
}

// authentic reports whether m carries a right MAC under the bus's key, no
// older than maxAge when maxAge > 0.
func (b *Bus) authentic(m *nats.Msg, maxAge time.Duration) bool {
	if b.key == nil || m.Header == nil {
		return false
	}
	ts, sum, ok := strings.Cut(m.Header.Get(macHeader), ".")
	if !ok {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(sum)
	if err != nil || !hmac.Equal(got, b.mac(m.Subject, ts, m.Data)) {
		return false
	}
	if maxAge > 0 {
		ms, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			return false
		}
		if age := time.Since(time.UnixMilli(ms)); age > maxAge || age < -maxAge {
			return false
		}
	}
	return true
}

// PublishEvents publishes events of a meeting, in one message, in the order
// given. It does not wait for the server: the log is the truth.
func (b *Bus) PublishEvents(_ context.Context, meetingID string, events []meeting.Event) error {
	subj, err := subject(meetingID, "ev")
	if err != nil {
		return err
	}
	data, err := json.Marshal(events)
	if err != nil {
		return fmt.Errorf("natsbus: encoding events: %w", err)
	}
	return b.publish(subj, data)
}

// PublishSignal publishes an ephemeral signal of a meeting.
func (b *Bus) PublishSignal(meetingID string, data []byte) error {
	subj, err := subject(meetingID, "sig")
	if err != nil {
		return err
	}
	return b.publish(subj, data)
}

// Subscribe delivers a meeting's events and signals until the returned
// function is called. onEvents receives the events of one published message,
// in order, when the message is authentic (see the package doc); for any
// other message on the subject it is called with no events: a doorbell,
// telling the receiver to read the log. A message that cannot be decoded is
// logged and dropped (its events will be read from the log as a gap).
// onSignal receives one authentic signal's bytes (any signal's, on a bus
// without a key). Both run on the subscription's delivery goroutine and
// must not block.
func (b *Bus) Subscribe(meetingID string, onEvents func([]meeting.Event), onSignal func([]byte)) (unsubscribe func(), err error) {
	evSubj, err := subject(meetingID, "ev")
	if err != nil {
		return nil, err
	}
	sigSubj, _ := subject(meetingID, "sig")
	evSub, err := b.nc.Subscribe(evSubj, func(m *nats.Msg) {
		if !b.authentic(m, 0) {
			if b.key != nil && b.forged.Add(1)%1000 == 1 {
				b.log.Warn("event messages without a valid MAC: reading the log instead", "meeting", meetingID, "so_far", b.forged.Load())
			}
			onEvents(nil)
			return
		}
		var events []meeting.Event
		if err := json.Unmarshal(m.Data, &events); err != nil {
			b.log.Warn("dropping undecodable events", "meeting", meetingID, "err", err)
			return
		}
		onEvents(events)
	})
	if err != nil {
		return nil, fmt.Errorf("natsbus: subscribing: %w", err)
	}
	evSub.SetPendingLimits(1<<16, 256<<20)
	sigSub, err := b.nc.Subscribe(sigSubj, func(m *nats.Msg) {
		if b.key != nil && !b.authentic(m, signalMaxAge) {
			b.log.Debug("dropping a signal without a valid MAC", "meeting", meetingID)
			return
		}
		if onSignal != nil {
			onSignal(m.Data)
		}
	})
	if err != nil {
		_ = evSub.Unsubscribe()
		return nil, fmt.Errorf("natsbus: subscribing: %w", err)
	}
	// Make sure the server knows the interest before we report success, so
	// that events published after Subscribe returns reach us.
	if err := b.nc.FlushTimeout(5 * time.Second); err != nil {
		_ = evSub.Unsubscribe()
		_ = sigSub.Unsubscribe()
		return nil, fmt.Errorf("natsbus: subscribing: %w", err)
	}
	return func() {
		_ = evSub.Unsubscribe()
		_ = sigSub.Unsubscribe()
	}, nil
}

// ServeSignals calls f with every authentic signal of any meeting
// (dais.m.*.sig: on a bus with a key, a right MAC no older than a minute,
// as Subscribe takes them), one subscriber of queue taking each. f runs on
// the subscription's delivery goroutine, in the order the signals came,
// and must not block. (A central node's bridge hub passes the centre's
// signals on to the bridge sites with it.)
func (b *Bus) ServeSignals(queue string, f func(meetingID string, data []byte)) (stop func(), err error) {
	sub, err := b.nc.QueueSubscribe("dais.m.*.sig", queue, func(m *nats.Msg) {
		if b.key != nil && !b.authentic(m, signalMaxAge) {
			return
		}
		id := strings.TrimSuffix(strings.TrimPrefix(m.Subject, "dais.m."), ".sig")
		if meeting.ValidMeetingID(id) {
			f(id, m.Data)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("natsbus: subscribing to signals: %w", err)
	}
	if err := b.nc.FlushTimeout(5 * time.Second); err != nil {
		_ = sub.Unsubscribe()
		return nil, fmt.Errorf("natsbus: subscribing to signals: %w", err)
	}
	return func() { _ = sub.Unsubscribe() }, nil
}
