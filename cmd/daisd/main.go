// Command daisd is the Dais meeting server. With no flags it runs alone: an
// embedded NATS server in-process and a bbolt file in its data folder.
//
//	daisd -listen :8080 -data ./data -demo
//	daisd -listen :8080 -data ./data -seed meeting.yaml
//
// Every flag can also be set by an environment variable (DAIS_LISTEN,
// DAIS_DATA, DAIS_NATS_URL, DAIS_LOG_LEVEL, …); a flag wins over the
// environment.
package main

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/realtime/bridge"
	"github.com/dais-meeting/dais/realtime/httpapi"
	"github.com/dais-meeting/dais/realtime/natsbus"
	"github.com/dais-meeting/dais/storage/seal"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "daisd:", err)
		os.Exit(1)
	}
}

// run parses the command line, starts a node, seeds the demo when asked, and
// serves until SIGINT or SIGTERM, then drains.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("daisd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	listen := fs.String("listen", env("DAIS_LISTEN", ":8080"), "HTTP listen address (env DAIS_LISTEN)")
	data := fs.String("data", env("DAIS_DATA", "./data"), "data folder of the embedded store (env DAIS_DATA)")
	natsURL := fs.String("nats-url", env("DAIS_NATS_URL", ""), "NATS server URLs, comma-separated; empty runs an embedded server (env DAIS_NATS_URL)")
	redisURL := fs.String("redis-url", env("DAIS_REDIS_URL", ""), "Redis URL (redis://host:6379/0); empty keeps everything in the embedded store (env DAIS_REDIS_URL)")
	redisPrefix := fs.String("redis-prefix", env("DAIS_REDIS_PREFIX", "dais:"), "prefix of every Redis key (env DAIS_REDIS_PREFIX)")
	redisSentinels := fs.String("redis-sentinel", env("DAIS_REDIS_SENTINEL", ""), "Sentinel addresses host:port, comma-separated: find the Redis primary through them and follow a failover (with -redis-master; -redis-url then only gives the password and database; env DAIS_REDIS_SENTINEL)")
	redisMaster := fs.String("redis-master", env("DAIS_REDIS_MASTER", ""), "the master's name in the sentinels' configuration (env DAIS_REDIS_MASTER)")
	redisWait := fs.Int("redis-wait-replicas", 0, "acknowledge a command, a ballot or a poll's close only once this many Redis replicas have it (Redis WAIT): what keeps an acknowledged ballot through a failover; 0: asynchronous replication")
	natsCreds := fs.String("nats-creds", env("DAIS_NATS_CREDS", ""), "NATS credentials file (env DAIS_NATS_CREDS)")
	natsUser := fs.String("nats-user", env("DAIS_NATS_USER", ""), "NATS user (env DAIS_NATS_USER; password in DAIS_NATS_PASSWORD)")
	natsCA := fs.String("nats-ca", env("DAIS_NATS_CA", ""), "CA file for NATS TLS (env DAIS_NATS_CA)")
	natsCert := fs.String("nats-cert", env("DAIS_NATS_CERT", ""), "client certificate for NATS TLS (env DAIS_NATS_CERT)")
	natsKey := fs.String("nats-key", env("DAIS_NATS_KEY", ""), "client key for NATS TLS (env DAIS_NATS_KEY)")
	busKeyFile := fs.String("bus-key-file", env("DAIS_BUS_KEY_FILE", ""), "file holding the key (at least 32 bytes, e.g. openssl rand -base64 48) that authenticates messages between nodes; every node of a cluster needs the same; empty: an embedded bus makes one, an external bus is a doorbell only (env DAIS_BUS_KEY_FILE)")
	natsPort := fs.Int("nats-port", 0, "client port of the embedded NATS server: 0 none (in-process only), -1 random")
	origins := fs.String("allowed-origins", env("DAIS_ALLOWED_ORIGINS", ""), "extra browser origins allowed to connect, comma-separated (env DAIS_ALLOWED_ORIGINS)")
	logLevel := fs.String("log-level", env("DAIS_LOG_LEVEL", "info"), "debug, info, warn or error (env DAIS_LOG_LEVEL)")
	name := fs.String("name", env("DAIS_NODE_NAME", hostname()), "node name in logs and NATS (env DAIS_NODE_NAME)")
	demo := fs.Bool("demo", env("DAIS_DEMO", "") == "1", "seed the Vietnamese demo meeting if the store has no meeting, and print its sign-in codes (env DAIS_DEMO=1)")
	seed := fs.String("seed", env("DAIS_SEED", ""), "seed the meeting in this YAML file (the demo's format) if the store has no meeting, and print its sign-in codes (env DAIS_SEED)")
	debugListen := fs.String("debug-listen", env("DAIS_DEBUG_LISTEN", ""), "address of a separate debug server with /debug/pprof (empty: none; env DAIS_DEBUG_LISTEN)")
	maxUpload := fs.Int64("max-upload-bytes", 100<<20, "largest PDF a secretary may upload, in bytes")
	maxPages := fs.Int("max-upload-pages", 2000, "most pages an uploaded PDF may have")
	maxCache := fs.Int64("max-cache-bytes", 10<<30, "largest size of the cache of watermarked copies, packets and annotated copies (DATA/cache); least recently used go first")
	adminToken := fs.String("admin-token", env("DAIS_ADMIN_TOKEN", ""), "recovery token of the node: manages accounts (dais account …) and creates meetings naming their secretary when no administrator can sign in; empty: off (env DAIS_ADMIN_TOKEN)")
	oidcIssuer := fs.String("oidc-issuer", env("DAIS_OIDC_ISSUER", ""), "issuer URL of the office's OpenID Connect provider; empty: no single sign-on (env DAIS_OIDC_ISSUER)")
	oidcClient := fs.String("oidc-client-id", env("DAIS_OIDC_CLIENT_ID", ""), "this server's client id at the OpenID Connect provider (env DAIS_OIDC_CLIENT_ID)")
	oidcSecretFile := fs.String("oidc-client-secret-file", env("DAIS_OIDC_CLIENT_SECRET_FILE", ""), "file holding the client secret; empty: env DAIS_OIDC_CLIENT_SECRET (env DAIS_OIDC_CLIENT_SECRET_FILE)")
	oidcRedirect := fs.String("oidc-redirect-url", env("DAIS_OIDC_REDIRECT_URL", ""), "where the provider sends browsers back: https://HOST/api/v1/account/sso/callback (env DAIS_OIDC_REDIRECT_URL)")
	bridgeKeyFile := fs.String("bridge-key-file", env("DAIS_BRIDGE_KEY_FILE", ""), "file holding the bridge key that signs what a central node sends bridge sites (64 hex digits, mode 0600); empty: DATA/bridge.key, made at first start. A cluster's nodes share one key: give each the same file, or the key itself in env DAIS_BRIDGE_KEY. Its public half, logged at start as \"bridge key\", is each edge's -edge-centre-key (env DAIS_BRIDGE_KEY_FILE)")
	ballotKeyFile := fs.String("ballot-key-file", env("DAIS_BALLOT_KEY_FILE", ""), "file holding the ballot key that seals secret ballots (64 hex digits, mode 0600); empty: DATA/ballot.key, made at first start. A cluster's nodes share one key: give each the same file, or the key itself in env DAIS_BALLOT_KEY (env DAIS_BALLOT_KEY_FILE)")
	drain := fs.Duration("drain-timeout", 10*time.Second, "how long a graceful shutdown may take")
	tlsCert := fs.String("tls-cert", env("DAIS_TLS_CERT", ""), "serve HTTPS with this certificate (PEM, the chain after the leaf; env DAIS_TLS_CERT)")
	tlsKey := fs.String("tls-key", env("DAIS_TLS_KEY", ""), "the key of -tls-cert (PEM; env DAIS_TLS_KEY)")
	tlsSelf := fs.Bool("tls-self-signed", env("DAIS_TLS_SELF_SIGNED", "") == "1", "serve HTTPS with a room authority and certificate made and kept in DATA/tls, for an isolated LAN; prints the authority's fingerprint and a QR code of it (env DAIS_TLS_SELF_SIGNED=1)")
	tlsHosts := fs.String("tls-hosts", env("DAIS_TLS_HOSTS", ""), "extra names and addresses the self-signed certificate covers, comma-separated (this machine's name and addresses always are; env DAIS_TLS_HOSTS)")
	internalListen := fs.String("internal-listen", env("DAIS_INTERNAL_LISTEN", ""), "address of a listener for operators only: /metrics, /readyz with error details (empty: none; env DAIS_INTERNAL_LISTEN)")
	sessionTTL := fs.Duration("session-ttl", 24*time.Hour, "how long a session lives after its last use")
	sessionMaxAge := fs.Duration("session-max-age", 7*24*time.Hour, "how long a session lives however often it is used")
	codeTTL := fs.Duration("code-ttl", 7*24*time.Hour, "how long an invitation code works")
	joinPerMinute := fs.Float64("join-fails-per-minute", 6, "wrong invitation codes one address may try per minute (after a burst of -join-fails-burst)")
	joinBurst := fs.Int("join-fails-burst", 10, "wrong invitation codes one address may try at once")
	joinGlobal := fs.Float64("join-fails-per-second", 20, "wrong invitation codes the whole node accepts per second (burst: 10 s worth)")
	proxies := fs.String("trusted-proxies", env("DAIS_TRUSTED_PROXIES", ""), "addresses (CIDR) of reverse proxies whose X-Real-IP names the client, comma-separated (env DAIS_TRUSTED_PROXIES)")
	pingInterval := fs.Duration("ping-interval", 25*time.Second, "how often each WebSocket client is pinged (spread over the interval); a client silent for 2.5 intervals is dropped (1s–10m)")
	maxConnsPerAddr := fs.Int("max-conns-per-addr", 0, "most connections one IP address may hold open (0: 512; -1: no cap; behind a load balancer raise it or use -1)")
	var ef edgeFlags
	fs.BoolVar(&ef.edge, "edge", env("DAIS_EDGE", "") == "1", "run as a bridge site's edge node: serve the site's tablets from a replica of the centre's log, joined to the centre's NATS as a leaf node (docs/bridge.md; env DAIS_EDGE=1)")
	fs.StringVar(&ef.remotes, "edge-remote", env("DAIS_EDGE_REMOTE", ""), "the centre's NATS leafnode URLs, comma-separated: nats-leaf://centre:7422, or tls://centre:7422 (env DAIS_EDGE_REMOTE)")
	fs.StringVar(&ef.user, "edge-user", env("DAIS_EDGE_USER", ""), "user of the leaf connection (password in env DAIS_EDGE_PASSWORD; env DAIS_EDGE_USER)")
	fs.StringVar(&ef.creds, "edge-creds", env("DAIS_EDGE_CREDS", ""), "NATS credentials file of the leaf connection (env DAIS_EDGE_CREDS)")
	fs.StringVar(&ef.ca, "edge-ca", env("DAIS_EDGE_CA", ""), "CA file that signed the centre's leafnode certificate (env DAIS_EDGE_CA)")
	fs.StringVar(&ef.cert, "edge-cert", env("DAIS_EDGE_CERT", ""), "client certificate of the leaf connection (env DAIS_EDGE_CERT)")
	fs.StringVar(&ef.key, "edge-key", env("DAIS_EDGE_KEY", ""), "key of -edge-cert (env DAIS_EDGE_KEY)")
	fs.StringVar(&ef.meetings, "edge-meetings", env("DAIS_EDGE_MEETINGS", ""), "meetings the edge replicates from the start, comma-separated (others from their first tablet's sign-in; env DAIS_EDGE_MEETINGS)")
	fs.StringVar(&ef.filesMax, "edge-files-max", env("DAIS_EDGE_FILES_MAX", "4GiB"), "bound on the edge's documents folder (DATA/bridge-files), e.g. 4GiB, 500MiB; past it the least recently opened files go, never a document on the agenda of a meeting in session; -1: no bound (env DAIS_EDGE_FILES_MAX)")
	fs.StringVar(&ef.centreKey, "edge-centre-key", env("DAIS_EDGE_CENTRE_KEY", ""), "public half of the centre's bridge key, 64 hex digits (a central node logs it at start as \"bridge key\"): the edge drops anything from the centre not signed with it; required with -edge. While the bridge key is rotated, the old and the new, comma-separated (docs/bridge.md) (env DAIS_EDGE_CENTRE_KEY)")
	fs.StringVar(&ef.leafListen, "nats-leaf-listen", env("DAIS_NATS_LEAF_LISTEN", ""), "a central node's embedded NATS accepts bridge sites' leaf connections on host:port (e.g. :7422; env DAIS_NATS_LEAF_LISTEN)")
	fs.StringVar(&ef.leafUser, "nats-leaf-user", env("DAIS_NATS_LEAF_USER", ""), "user leaf connections authenticate as (password in env DAIS_NATS_LEAF_PASSWORD; env DAIS_NATS_LEAF_USER)")
	fs.StringVar(&ef.sites, "bridge-sites", env("DAIS_BRIDGE_SITES", ""), "a central node's sites file: one bridge site a line, NAME BCRYPT-HASH [ROOM] (made by `dais bridge-sites add`): with -nats-leaf-listen each site's leaf connection logs in as its own user, held to its own subjects; ROOM is the site's room in a meeting (default: its name) (env DAIS_BRIDGE_SITES)")
	fs.StringVar(&ef.leafCert, "nats-leaf-cert", env("DAIS_NATS_LEAF_CERT", ""), "certificate of the leafnode listener: TLS (env DAIS_NATS_LEAF_CERT)")
	fs.StringVar(&ef.leafKy, "nats-leaf-key", env("DAIS_NATS_LEAF_KEY", ""), "key of -nats-leaf-cert (env DAIS_NATS_LEAF_KEY)")
	fs.StringVar(&ef.leafCA, "nats-leaf-ca", env("DAIS_NATS_LEAF_CA", ""), "require leaf connections to show a client certificate signed by this CA (env DAIS_NATS_LEAF_CA)")
	var sf signingFlags
	fs.StringVar(&sf.CertFile, "sign-cert", env("DAIS_SIGN_CERT", ""), "the server's signing certificate: a PEM chain (the signer's first) or a PKCS#12 file (.p12/.pfx, password in env DAIS_SIGN_P12_PASSWORD); the server then signs the minutes, packet and counting minutes on request (env DAIS_SIGN_CERT)")
	fs.StringVar(&sf.KeyFile, "sign-key", env("DAIS_SIGN_KEY", ""), "the PEM private key of -sign-cert, unencrypted, mode 0600 (empty: in the -sign-cert file; env DAIS_SIGN_KEY)")
	fs.StringVar(&sf.Module, "sign-pkcs11-module", env("DAIS_SIGN_PKCS11_MODULE", ""), "sign with a PKCS#11 token instead: the module's path, e.g. /usr/lib/softhsm/libsofthsm2.so (PIN in env DAIS_SIGN_PIN; env DAIS_SIGN_PKCS11_MODULE)")
	fs.StringVar(&sf.TokenLabel, "sign-token-label", env("DAIS_SIGN_TOKEN_LABEL", ""), "the token's label (env DAIS_SIGN_TOKEN_LABEL)")
	fs.StringVar(&sf.KeyLabel, "sign-key-label", env("DAIS_SIGN_KEY_LABEL", ""), "the key pair's label on the token (empty: its only key with a certificate; env DAIS_SIGN_KEY_LABEL)")
	fs.StringVar(&sf.ChainFile, "sign-chain", env("DAIS_SIGN_CHAIN", ""), "PEM intermediates to put in each signature after the signer's certificate (env DAIS_SIGN_CHAIN)")
	fs.StringVar(&sf.TSAURL, "sign-tsa-url", env("DAIS_SIGN_TSA_URL", ""), "RFC 3161 time-stamp authority: signatures become PAdES B-T (empty: B-B; env DAIS_SIGN_TSA_URL)")
	fs.StringVar(&sf.RootsFile, "sign-roots", env("DAIS_SIGN_ROOTS", ""), "PEM trust anchors signatures are checked against (e.g. the government CA's root); uploaded signatures must chain to one (empty: shown as unchecked; env DAIS_SIGN_ROOTS)")
	smtpAddr := fs.String("smtp-addr", env("DAIS_SMTP_ADDR", ""), "SMTP server host:port that mails consultation reminders; empty: reminders only in the web client (env DAIS_SMTP_ADDR)")
	smtpFrom := fs.String("smtp-from", env("DAIS_SMTP_FROM", ""), "the reminders' sender, e.g. \"Văn phòng Tỉnh ủy <vanphong@tinhuy.example>\" (env DAIS_SMTP_FROM)")
	smtpUser := fs.String("smtp-user", env("DAIS_SMTP_USER", ""), "SMTP user for AUTH PLAIN (password in env DAIS_SMTP_PASSWORD); empty: no authentication (env DAIS_SMTP_USER)")
	smtpSecurity := fs.String("smtp-security", env("DAIS_SMTP_SECURITY", "starttls"), "starttls (required), tls (from the first byte, port 465) or none (env DAIS_SMTP_SECURITY)")
	smtpCA := fs.String("smtp-ca", env("DAIS_SMTP_CA", ""), "PEM CA file the SMTP server's certificate must chain to (empty: the system's; env DAIS_SMTP_CA)")
	remindBefore := fs.Duration("consult-remind-before", 24*time.Hour, "remind the members who have not answered a consultation this long before its deadline (negative: never)")
	officeSymbol := fs.String("office-symbol", env("DAIS_OFFICE_SYMBOL", "TU"), "the office's symbol in the numbers of conclusions and resolutions (15-KL/TU, 07-NQ/TU; env DAIS_OFFICE_SYMBOL)")
	publicURL := fs.String("public-url", env("DAIS_PUBLIC_URL", ""), "where people reach the web client (https://dais.example), for links in e-mails (env DAIS_PUBLIC_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	smtpCfg, err := smtpFlags(*smtpAddr, *smtpFrom, *smtpUser, getenv("DAIS_SMTP_PASSWORD"), *smtpSecurity, *smtpCA)
	if err != nil {
		return err
	}
	sf.P12Password, sf.PIN = getenv("DAIS_SIGN_P12_PASSWORD"), getenv("DAIS_SIGN_PIN")
	recCfg, closeSigner, err := recordsConfig(sf)
	if err != nil {
		return fmt.Errorf("the signer: %w", err)
	}
	defer closeSigner()
	if *demo && *seed != "" {
		return fmt.Errorf("-demo and -seed exclude each other")
	}
	if *pingInterval < time.Second || *pingInterval > 10*time.Minute {
		return fmt.Errorf("-ping-interval %v: want 1s to 10m", *pingInterval)
	}
	oidcSecret, err := readSecret(*oidcSecretFile, getenv)
	if err != nil {
		return err
	}
	if *oidcIssuer != "" && (*oidcClient == "" || *oidcRedirect == "") {
		return fmt.Errorf("-oidc-issuer needs -oidc-client-id and -oidc-redirect-url")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("bad -log-level %q: %w", *logLevel, err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if limit, err := raiseFileLimit(); err != nil {
		log.Warn("cannot raise the open-file limit", "limit", limit, "err", err)
	} else if limit > 0 && limit < 16384 {
		log.Warn("the open-file limit is low: every tablet holds a socket (raise the hard limit, e.g. LimitNOFILE=1048576)", "limit", limit)
	}
	tlsDir := filepath.Join(*data, "tls")
	tlsCfg, err := tlsConfig(*tlsCert, *tlsKey, *tlsSelf, tlsDir, splitList(*tlsHosts), stdout)
	if err != nil {
		return err
	}
	var caPEM []byte
	if *tlsSelf {
		caPEM = authorityPEM(tlsDir)
	}

	var busKey []byte
	if *busKeyFile != "" {
		b, err := os.ReadFile(*busKeyFile)
		if err != nil {
			return fmt.Errorf("reading the bus key: %w", err)
		}
		if busKey = []byte(strings.TrimSpace(string(b))); len(busKey) < natsbus.MinKeyBytes {
			return fmt.Errorf("the bus key in %s has %d bytes, want at least %d", *busKeyFile, len(busKey), natsbus.MinKeyBytes)
		}
	}
	var trusted []netip.Prefix
	for _, p := range splitList(*proxies) {
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			addr, err2 := netip.ParseAddr(p)
			if err2 != nil {
				return fmt.Errorf("bad -trusted-proxies entry %q: %w", p, err)
			}
			pfx = netip.PrefixFrom(addr, addr.BitLen())
		}
		trusted = append(trusted, pfx)
	}
	var linkKey []byte
	if k := getenv("DAIS_LINK_KEY"); k != "" {
		if len(k) < 32 {
			return fmt.Errorf("DAIS_LINK_KEY must be at least 32 characters")
		}
		sum := sha256.Sum256([]byte(k))
		linkKey = sum[:]
	}

	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	cfg := config{
		Listen: *listen, Data: *data, NATSURLs: splitList(*natsURL), NATSPort: *natsPort,
		RedisURL: *redisURL, RedisPrefix: *redisPrefix, RedisSentinels: splitList(*redisSentinels), RedisMaster: *redisMaster, RedisWaitReplicas: *redisWait, MaxUploadBytes: *maxUpload, MaxUploadPages: *maxPages, AdminToken: *adminToken, MaxCacheBytes: *maxCache,
		NATS: natsbus.Config{CredsFile: *natsCreds, User: *natsUser, Password: getenv("DAIS_NATS_PASSWORD"),
			RootCAs: splitList(*natsCA), CertFile: *natsCert, KeyFile: *natsKey, Key: busKey},
		AllowedOrigins: splitList(*origins), Name: *name, DrainTimeout: *drain, Logger: log,
		Web: webAssets(), TLS: tlsCfg, AuthorityPEM: caPEM, Records: recCfg,
		InternalListen: *internalListen, MaxConnsPerAddr: *maxConnsPerAddr, PingInterval: *pingInterval,
		Accounts: accountsConfig{Out: stdout, SSO: account.SSOConfig{Issuer: *oidcIssuer, ClientID: *oidcClient,
			ClientSecret: oidcSecret, RedirectURL: *oidcRedirect}},
		Office: officeConfig{SMTP: smtpCfg, RemindBefore: *remindBefore, PublicURL: *publicURL, Symbol: *officeSymbol},
		Access: access.Options{SessionTTL: *sessionTTL, SessionMaxAge: *sessionMaxAge, CodeTTL: *codeTTL, LinkKey: linkKey},
		JoinLimits: httpapi.JoinLimits{PerAddress: *joinPerMinute, AddressBurst: *joinBurst, Global: *joinGlobal,
			GlobalBurst: int(*joinGlobal * 10), TrustedProxies: trusted},
	}
	cfg.BallotKeyFile = *ballotKeyFile
	cfg.BridgeKeyFile = *bridgeKeyFile
	if err := ef.apply(&cfg, getenv); err != nil {
		return err
	}
	if v := getenv("DAIS_BALLOT_KEY"); v != "" {
		k, err := seal.ParseKey(v)
		if err != nil {
			return fmt.Errorf("DAIS_BALLOT_KEY: %w", err)
		}
		cfg.BallotKey = &k
	}
	if v := getenv("DAIS_BRIDGE_KEY"); v != "" {
		if cfg.BridgeKey, err = bridge.ParseKey(v); err != nil {
			return fmt.Errorf("DAIS_BRIDGE_KEY: %w", err)
		}
	}
	if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
		return fmt.Errorf("creating the data folder: %w", err)
	}
	n, err := startNode(ctx, cfg)
	if err != nil {
		return err
	}
	memCtx, stopMem := context.WithCancel(ctx)
	memDone := make(chan struct{})
	go func() {
		defer close(memDone)
		newMemoryReturner(log, n.gw.Sends).run(memCtx)
	}()
	defer func() {
		stopMem()
		<-memDone
	}()
	if *debugListen != "" {
		stopDebug, err := serveDebug(*debugListen, log)
		if err != nil {
			_ = n.shutdown(context.Background())
			return err
		}
		defer stopDebug()
	}
	if *demo {
		if err := seedDemo(ctx, n, stdout); err != nil {
			_ = n.shutdown(context.Background())
			return fmt.Errorf("seeding the demo: %w", err)
		}
	}
	if *seed != "" {
		if err := seedFile(ctx, n, stdout, *seed); err != nil {
			_ = n.shutdown(context.Background())
			return fmt.Errorf("seeding: %w", err)
		}
	}
	select {
	case <-ctx.Done():
		log.Info("shutting down: draining clients")
	case err := <-n.served:
		n.served <- err
		log.Error("http server stopped", "err", err)
	}
	return n.shutdown(context.Background())
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return "daisd"
	}
	return h
}
