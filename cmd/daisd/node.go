package main

import (
	"context"
	"crypto/ed25519"
	"crypto/subtle"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/committees"
	"github.com/dais-meeting/dais/meeting/conclusions"
	"github.com/dais-meeting/dais/meeting/consultations"
	"github.com/dais-meeting/dais/meeting/documents"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/meeting/records"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/realtime/bridge"
	"github.com/dais-meeting/dais/realtime/gateway"
	"github.com/dais-meeting/dais/realtime/httpapi"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/redis"
	"github.com/dais-meeting/dais/storage/seal"
	goredis "github.com/redis/go-redis/v9"
)

// config is everything a node is started with; main fills it from flags and
// the environment.
type config struct {
	// Listen is the HTTP address; ":0" picks a free port.
	Listen string
	// Data is the folder of the embedded store.
	Data string
	// RedisURL: empty keeps everything in the embedded store under Data;
	// set, the log, ballots, sessions and blobs live in Redis (clustered).
	RedisURL string
	// RedisPrefix prefixes every Redis key (several deployments, one Redis).
	RedisPrefix string
	// RedisSentinels and RedisMaster, when set, find the primary through
	// Sentinel instead of RedisURL (which then only gives the password
	// and database, if any): the node follows a failover.
	RedisSentinels []string
	RedisMaster    string
	// RedisWaitReplicas: an acknowledged command, ballot or close waits
	// until that many replicas have it (storage/redis Options.WaitReplicas).
	RedisWaitReplicas int
	// BallotKey seals the secret ballots (package storage/seal); it lives
	// outside the store. Nil: read from BallotKeyFile; with that empty too,
	// from Data/ballot.key, made at first start (a lone node only: a
	// cluster's nodes must share one key, so a clustered node without one
	// refuses to start).
	BallotKey     *seal.Key
	BallotKeyFile string
	// BridgeKey signs what a central node sends bridge sites
	// (docs/bridge.md). Nil: read from BridgeKeyFile; with that empty too,
	// a lone node keeps it in Data/bridge.key (made at first start) and a
	// clustered node refuses to start.
	BridgeKey     ed25519.PrivateKey
	BridgeKeyFile string
	// BridgeSites are the bridge sites the centre knows (-bridge-sites):
	// their leaf users and rooms. Empty: sites share a leaf user, and a
	// site's room is its name.
	BridgeSites []bridge.Site
	// NATSURLs: empty runs the embedded NATS server.
	NATSURLs []string
	// NATS holds the credentials and TLS settings for NATSURLs.
	NATS natsbus.Config
	// NATSPort is the embedded NATS server's client port: 0 none, -1 random.
	NATSPort int
	// Edge, when set, makes the node a bridge site's edge (bridge.go).
	Edge *edgeConfig
	// SiteTimeout is how long a bridge site may go unheard and still be
	// shown online; 0: 15 s.
	SiteTimeout time.Duration
	// AllowedOrigins are extra browser origins allowed on the WebSocket.
	AllowedOrigins []string
	// PingInterval is how often the gateway pings each client; 0: 25 s.
	PingInterval time.Duration
	// MaxUploadBytes and MaxUploadPages bound an uploaded PDF; 0 means
	// the PDF engine's defaults (100 MiB, 2,000 pages).
	MaxUploadBytes int64
	MaxUploadPages int
	// MaxCacheBytes bounds the folder of watermarked copies, packets and
	// annotated copies (least recently used go first); 0: 10 GiB.
	MaxCacheBytes int64
	// AdminToken, when set, lets its bearer create meetings naming their
	// secretary (POST /api/v1/meetings): how the first secretary gets in.
	// Its bearer also sees /metrics and the details of /readyz and of the
	// status page on the public listener.
	AdminToken string
	// InternalListen, when set, is a second HTTP address for operators and
	// monitoring only (bind it to a private interface): /metrics, /readyz
	// with each dependency's error, /healthz. Empty: none.
	InternalListen string
	// MaxConnsPerAddr bounds the connections one remote IP may hold open
	// on the public listener (0: 512; negative: no cap). Behind a load
	// balancer every connection comes from it: raise or disable the cap.
	MaxConnsPerAddr int
	// Access tunes sign-in: session and code lifetimes, the key that signs
	// links (empty: shared through Redis in a cluster, random on one node).
	Access access.Options
	// JoinLimits bounds wrong invitation codes per address and per node.
	JoinLimits httpapi.JoinLimits
	// TLS, when set, serves HTTPS (and sends HSTS) instead of HTTP.
	TLS *tls.Config
	// AuthorityPEM, when set, is served at /dais-ca.pem: the room
	// authority of -tls-self-signed, for tablets to install.
	AuthorityPEM []byte
	// Records configures the signed records: the node's signer, the
	// time-stamp authority, the trust anchors (signing.go).
	Records records.Config
	// Accounts configures the office accounts (accounts.go).
	Accounts accountsConfig
	// Office configures the consultations' reminders (office.go).
	Office officeConfig
	// Web, when set, is served at / (the web client).
	Web fs.FS
	// Name names this node in logs and NATS.
	Name string
	// DrainTimeout bounds the graceful shutdown.
	DrainTimeout time.Duration
	Logger       *slog.Logger
}

// ballotKey returns the node's ballot key: cfg.BallotKey, else the key in
// cfg.BallotKeyFile, else (a lone node) the key in Data/ballot.key, made
// at first start with mode 0600.
func ballotKey(cfg config) (*seal.Key, error) {
	if cfg.BallotKey != nil {
		return cfg.BallotKey, nil
	}
	var (
		k   seal.Key
		err error
	)
	switch {
	case cfg.BallotKeyFile != "":
		k, err = seal.LoadKeyFile(cfg.BallotKeyFile)
	case cfg.clustered():
		return nil, errors.New("a clustered node needs the ballot key its cluster shares: set DAIS_BALLOT_KEY (64 hex digits, e.g. from `openssl rand -hex 32`) or -ballot-key-file on every node")
	default:
		k, err = seal.LoadOrCreateKeyFile(filepath.Join(cfg.Data, "ballot.key"))
	}
	if err != nil {
		return nil, err
	}
	return &k, nil
}

// errNoBridgeKey: a clustered node was given no bridge key; it serves no
// bridge sites (a cluster without sites needs none).
var errNoBridgeKey = errors.New("a clustered node serves bridge sites only with the bridge key its cluster shares (it signs what the sites are sent): give every node the same -bridge-key-file (64 hex digits, e.g. from `openssl rand -hex 32`, mode 0600)")

// loadBridgeKey returns a central node's bridge key: cfg.BridgeKey, else
// the key in cfg.BridgeKeyFile, else (a lone node) Data/bridge.key, made
// at first start with mode 0600; errNoBridgeKey for a clustered node
// without one.
func loadBridgeKey(cfg config) (ed25519.PrivateKey, error) {
	switch {
	case cfg.BridgeKey != nil:
		return cfg.BridgeKey, nil
	case cfg.BridgeKeyFile != "":
		return bridge.LoadKey(cfg.BridgeKeyFile)
	case cfg.clustered():
		return nil, errNoBridgeKey
	default:
		return bridge.LoadOrCreateKey(filepath.Join(cfg.Data, "bridge.key"))
	}
}

// node is one running daisd: store, bus, service, gateway, HTTP server.
type node struct {
	cfg   config
	log   *slog.Logger
	store storage.Store
	bus   *natsbus.Bus
	svc   *service.Service
	acc   *access.Service
	// accounts are the office's accounts (accounts.go).
	accounts *account.Service
	// registry is the office's people, committees and calendars (office.go).
	registry *committees.Service
	// consults are the written consultations and their scheduler (office.go).
	consults *consultations.Service
	// concls are the conclusions, their tasks and the overdue reminders'
	// scheduler (conclusions.go).
	concls *conclusions.Service
	gw     *gateway.Gateway
	// hub answers bridge sites (a central node); edge is a bridge site's
	// link to the centre (an edge node, -edge). One of them is nil.
	hub  *bridge.Hub
	edge *bridge.Edge
	pdfs *pdf.Engine
	docs *documents.Documents
	srv  *http.Server
	ln   net.Listener
	// routes and internalRoutes are the public and the internal
	// listeners' routes (the role × action matrix test lists them).
	routes, internalRoutes *httpapi.Router
	// internal is the operators' server (InternalListen); nil without one.
	internal   *http.Server
	internalLn net.Listener
	served     chan error
	closeMu    sync.Mutex
	closed     bool

	shutdownOnce sync.Once
	shutdownErr  error
}

// startNode opens everything in order and starts serving; on failure it
// closes what it opened.
func startNode(ctx context.Context, cfg config) (_ *node, err error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.DrainTimeout == 0 {
		cfg.DrainTimeout = 10 * time.Second
	}
	n := &node{cfg: cfg, log: cfg.Logger, served: make(chan error, 1)}
	defer func() {
		if err != nil {
			n.close()
		}
	}()
	key, err := ballotKey(cfg)
	if err != nil {
		return nil, err
	}
	n.log.Info("ballot key loaded", "key_id", key.ID())
	if cfg.clustered() {
		if n.store, err = openRedis(ctx, cfg, key); err != nil {
			return nil, fmt.Errorf("opening the Redis store: %w", err)
		}
	} else {
		// A lone node keeps a secret per open secret poll beside its
		// ballot key, destroyed at the close (docs/security.md).
		secretsDir := filepath.Join(cfg.Data, "ballot-polls")
		if cfg.BallotKeyFile != "" {
			secretsDir = filepath.Join(filepath.Dir(cfg.BallotKeyFile), "ballot-polls")
		}
		secrets, err := seal.NewSecretDir(secretsDir)
		if err != nil {
			return nil, err
		}
		if n.store, err = bolt.Open(cfg.Data, bolt.Options{BallotKey: key, PollSecrets: secrets}); err != nil {
			return nil, fmt.Errorf("opening the store in %s: %w", cfg.Data, err)
		}
	}
	busCfg := cfg.NATS
	busCfg.URLs, busCfg.EmbeddedPort, busCfg.Name, busCfg.Logger = cfg.NATSURLs, cfg.NATSPort, cfg.Name, cfg.Logger
	if cfg.Edge != nil {
		busCfg.LeafRemotes, busCfg.LeafCreds, busCfg.LeafRemoteTLS = cfg.Edge.Remotes, cfg.Edge.Creds, cfg.Edge.TLS
		// Answers come back inside the site's subjects (its leaf user
		// may receive nothing else).
		busCfg.InboxPrefix = natsbus.SiteInbox(cfg.Name)
	}
	if n.bus, err = natsbus.Open(ctx, busCfg); err != nil {
		return nil, err
	}
	// An edge's service only reads its replica: commands go to the centre,
	// and it publishes nothing.
	var pub service.Publisher = n.bus
	if cfg.Edge != nil {
		pub = nil
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	n.svc = service.New(newTimedStore(n.store, reg), pub, service.Options{Logger: cfg.Logger})
	accOpt := cfg.Access
	accOpt.Logger = cfg.Logger
	if len(accOpt.LinkKey) == 0 {
		if rs, ok := n.store.(*redis.Store); ok {
			if accOpt.LinkKey, err = rs.SharedKey(ctx, "links"); err != nil {
				return nil, fmt.Errorf("agreeing on the link key through Redis: %w", err)
			}
		}
	}
	n.acc = access.New(n.store, n.svc, accOpt)
	mux := httpapi.NewRouter()
	n.routes = mux
	gwCfg := gateway.Config{AllowedOrigins: cfg.AllowedOrigins, PingInterval: cfg.PingInterval, Logger: cfg.Logger, Metrics: gateway.NewMetrics(reg)}
	if cfg.Edge != nil {
		err = n.startEdge(mux, gwCfg)
	} else {
		err = n.startCentre(mux, gwCfg)
	}
	if err != nil {
		return nil, err
	}
	n.registerHealth(reg)
	metrics := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	mux.HandleFunc("GET /healthz", healthz)
	// A load balancer reads /readyz's status; only the admin token's
	// bearer (or the internal listener) reads why a dependency failed.
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) { n.readyz(w, r, n.isAdmin(r)) })
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		if !n.isAdmin(r) {
			http.NotFound(w, r)
			return
		}
		metrics.ServeHTTP(w, r)
	})
	if cfg.AuthorityPEM != nil {
		mux.HandleFunc("GET /dais-ca.pem", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/x-pem-file")
			w.Header().Set("Content-Disposition", `attachment; filename="dais-ca.pem"`)
			_, _ = w.Write(cfg.AuthorityPEM)
		})
	}
	if cfg.Web != nil {
		static, err := httpapi.Static(cfg.Web)
		if err != nil {
			return nil, fmt.Errorf("reading the web client's files: %w", err)
		}
		mux.Handle("GET /", static)
	} else {
		mux.Handle("GET /", httpapi.StatusPage(n.svc, n.gw.Connections, n.isAdmin))
	}
	n.srv = newHTTPServer(httpapi.SecurityHeaders(mux, cfg.TLS != nil), cfg.Logger)
	n.srv.TLSConfig = cfg.TLS
	if n.ln, err = listen(cfg, n.log); err != nil {
		return nil, err
	}
	if cfg.InternalListen != "" {
		imux := httpapi.NewRouter()
		n.internalRoutes = imux
		imux.HandleFunc("GET /healthz", healthz)
		imux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) { n.readyz(w, r, true) })
		imux.Handle("GET /metrics", metrics)
		imux.HandleFunc("GET /backup", n.backup)
		imux.HandleFunc("GET /archive/{meeting}", n.archive)
		imux.HandleFunc("GET /archive/committee/{committee}", n.archiveCommittee)
		n.internal = newHTTPServer(imux, cfg.Logger)
		if n.internalLn, err = net.Listen("tcp", cfg.InternalListen); err != nil {
			_ = n.ln.Close()
			return nil, fmt.Errorf("listening on %s (internal): %w", cfg.InternalListen, err)
		}
		go func() { _ = n.internal.Serve(n.internalLn) }()
		n.log.Info("internal listener", "addr", n.internalLn.Addr().String())
	}
	go func() {
		if cfg.TLS != nil {
			n.served <- n.srv.ServeTLS(n.ln, "", "")
			return
		}
		n.served <- n.srv.Serve(n.ln)
	}()
	n.log.Info("daisd serving", "addr", n.ln.Addr().String(), "tls", cfg.TLS != nil, "store", storeDescription(cfg), "nats", natsDescription(cfg.NATSURLs))
	if cfg.NATS.LeafListen != "" && cfg.NATS.LeafUser != "" {
		// The shared-user mode (kept for old set-ups): said at every
		// start, since nothing else shows it.
		n.log.Warn(sharedLeafUserWarning, "leaf_user", cfg.NATS.LeafUser, "leaf_listen", cfg.NATS.LeafListen)
	}
	if cfg.Edge != nil {
		n.log.Info("bridge site edge", "centre", redactURLs(cfg.Edge.Remotes))
	} else if err := n.announceSetup(ctx); err != nil {
		n.log.Warn("cannot tell whether this is a first run", "err", err)
	}
	return n, nil
}

func healthz(w http.ResponseWriter, _ *http.Request) {
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// isAdmin reports whether the request carries the node's admin token.
func (n *node) isAdmin(r *http.Request) bool {
	tok := httpapi.Token(r)
	return n.cfg.AdminToken != "" && tok != "" &&
		subtle.ConstantTimeCompare([]byte(tok), []byte(n.cfg.AdminToken)) == 1
}

func storeDescription(cfg config) string {
	if cfg.clustered() {
		return "redis"
	}
	return "bolt:" + cfg.Data
}

func natsDescription(urls []string) string {
	if len(urls) == 0 {
		return "embedded"
	}
	return strings.Join(urls, ",")
}

// startCentre starts what a central node serves: the gateway over the
// service, documents, records, meetings, accounts, and the bridge hub that
// answers the edges of bridge sites.
func (n *node) startCentre(mux *httpapi.Router, gwCfg gateway.Config) (err error) {
	cfg := n.cfg
	n.gw = gateway.New(gwCfg, n.svc, n.acc, n.bus)
	if n.pdfs, err = pdf.New(pdf.Config{MaxBytes: cfg.MaxUploadBytes, MaxPages: cfg.MaxUploadPages, FontDir: filepath.Join(cfg.Data, "fonts")}); err != nil {
		return err
	}
	if n.docs, err = documents.New(documents.Config{MaxCacheBytes: cfg.MaxCacheBytes}, n.store, n.pdfs, n.svc, filepath.Join(cfg.Data, "cache"), cfg.Logger); err != nil {
		return err
	}
	mux.Handle("GET /ws", n.gw)
	httpapi.NewWithLimits(n.acc, cfg.JoinLimits, cfg.Logger).Register(mux)
	httpapi.NewRevoke(n.acc, n.acc, cfg.Logger).Register(mux)
	httpapi.NewDocuments(n.acc, n.docs, n.pdfs.Config().MaxBytes, cfg.Logger).Register(mux)
	httpapi.NewRoster(n.acc, n.svc, cfg.Logger).Register(mux)
	recs, err := records.New(cfg.Records, n.svc, n.store, n.docs, cfg.Logger)
	if err != nil {
		return err
	}
	httpapi.NewRecords(n.acc, recs, cfg.Logger).Register(mux)
	httpapi.NewMeetings(n.acc, linkingCreator{n.acc, n}, cfg.AdminToken, cfg.Logger).Register(mux)
	if err = n.startAccounts(mux); err != nil {
		return err
	}
	// Between meetings (issue 13): the registry, calendars, consultations.
	if err = n.startOffice(mux); err != nil {
		return err
	}
	bridgeKey, err := loadBridgeKey(cfg)
	if errors.Is(err, errNoBridgeKey) {
		// A cluster with no bridge sites needs no key: this node answers
		// no site (those of a node with the key still do) and says why.
		cfg.Logger.Warn("no bridge key: this node answers no bridge sites", "why", err)
		httpapi.NewSites(n.acc, noSites{}, cfg.Logger).Register(mux)
		return nil
	}
	if err != nil {
		return err
	}
	cfg.Logger.Info("bridge key (give edges -edge-centre-key)", "public", bridge.PublicKeyString(bridgeKey))
	if n.hub, err = bridge.NewHub(bridge.HubConfig{SiteTimeout: cfg.SiteTimeout, Key: bridgeKey, Sites: cfg.BridgeSites, Meetings: n.svc, Logger: cfg.Logger}, n.bus, n.store, n.acc, n.svc, n.docs); err != nil {
		return fmt.Errorf("answering bridge sites: %w", err)
	}
	httpapi.NewSites(n.acc, n.hub, cfg.Logger).Register(mux)
	return nil
}

// Addr is the HTTP address the node listens on.
func (n *node) Addr() string { return n.ln.Addr().String() }

// readyz reports each dependency: "ok", or "unavailable" (with details,
// the error itself: addresses, causes — for operators only).
func (n *node) readyz(w http.ResponseWriter, r *http.Request, details bool) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"store": "ok", "bus": "ok"}
	status := http.StatusOK
	fail := func(name string, err error) {
		status = http.StatusServiceUnavailable
		checks[name] = "unavailable"
		if details {
			checks[name] = err.Error()
		}
	}
	if err := n.store.Ping(ctx); err != nil {
		fail("store", err)
	}
	if err := n.bus.Ping(ctx); err != nil {
		fail("bus", err)
	}
	if n.edge != nil {
		// An edge serves its tablets through a cut: the link is reported,
		// not a reason to take the edge out of service.
		checks["centre"] = "ok"
		if !n.edge.LinkUp() {
			checks["centre"] = "cut"
		}
	}
	httpapi.WriteJSON(w, status, checks)
}

// shutdown drains gracefully: stop accepting, tell clients to move and close
// them, finish in-flight requests, then close the bus and the store (in the
// reverse order of opening).
// It may be called more than once.
func (n *node) shutdown(ctx context.Context) error {
	n.shutdownOnce.Do(func() { n.shutdownErr = n.drain(ctx) })
	return n.shutdownErr
}

func (n *node) drain(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.DrainTimeout)
	defer cancel()
	var errs []error
	// Stop taking new connections first, then drain the WebSockets (which
	// the HTTP server does not track once upgraded).
	_ = n.ln.Close()
	if n.internal != nil {
		_ = n.internal.Close()
	}
	if err := n.gw.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("draining websockets: %w", err))
	}
	// The listener is closed above: Shutdown closing it again may report
	// net.ErrClosed, which is no failure.
	if err := n.srv.Shutdown(ctx); err != nil && !errors.Is(err, net.ErrClosed) {
		errs = append(errs, fmt.Errorf("stopping http: %w", err))
	}
	if err := <-n.served; err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
		errs = append(errs, err)
	}
	errs = append(errs, n.close())
	return errors.Join(errs...)
}

// kill stops the node without draining, as a crash would (for tests): the
// listener and every connection are cut, nothing is flushed politely.
func (n *node) kill() {
	n.shutdownOnce.Do(func() {})
	_ = n.ln.Close()
	_ = n.srv.Close()
	if n.internal != nil {
		_ = n.internal.Close()
	}
	n.gw.Close()
	_ = n.close()
}

// close releases the bus and the store; it may be called more than once.
func (n *node) close() error {
	n.closeMu.Lock()
	defer n.closeMu.Unlock()
	if n.closed {
		return nil
	}
	n.closed = true
	var errs []error
	if n.consults != nil {
		n.consults.Close() // the scheduler stops before the store closes
	}
	if n.concls != nil {
		n.concls.Close()
	}
	if n.docs != nil {
		errs = append(errs, n.docs.Close())
	}
	if n.pdfs != nil {
		errs = append(errs, n.pdfs.Close())
	}
	if n.hub != nil {
		n.hub.Close()
	}
	if n.edge != nil {
		n.edge.Close()
	}
	if n.bus != nil {
		errs = append(errs, n.bus.Close())
	}
	if n.store != nil {
		errs = append(errs, n.store.Close())
	}
	return errors.Join(errs...)
}

// clustered reports whether the node keeps its data in Redis.
func (c config) clustered() bool { return c.RedisURL != "" || len(c.RedisSentinels) > 0 }

// openRedis opens the cluster's store: through Sentinel when sentinels are
// given, else at RedisURL.
func openRedis(ctx context.Context, cfg config, key *seal.Key) (*redis.Store, error) {
	opt := redis.Options{Prefix: cfg.RedisPrefix, BallotKey: key, WaitReplicas: cfg.RedisWaitReplicas}
	if len(cfg.RedisSentinels) == 0 {
		return redis.Open(ctx, cfg.RedisURL, opt)
	}
	f := redis.Failover{Master: cfg.RedisMaster, Sentinels: cfg.RedisSentinels}
	if cfg.RedisURL != "" {
		o, err := goredis.ParseURL(cfg.RedisURL)
		if err != nil {
			return nil, err
		}
		f.Password, f.DB = o.Password, o.DB
	}
	return redis.OpenFailover(ctx, f, opt)
}

// noSites is the sites' status on a node that serves no bridge site.
type noSites struct{}

func (noSites) Sites(string) []bridge.SiteStatus { return nil }
