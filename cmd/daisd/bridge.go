package main

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dais-meeting/dais/realtime/bridge"
	"github.com/dais-meeting/dais/realtime/gateway"
	"github.com/dais-meeting/dais/realtime/httpapi"
	"github.com/dais-meeting/dais/realtime/natsbus"
)

// edgeConfig makes a node a bridge site's edge (docs/bridge.md): its
// embedded NATS server is a leaf node of the centre's, its bbolt store a
// replica of the meetings' logs.
type edgeConfig struct {
	// Remotes are the centre's leafnode URLs (nats-leaf://…, tls://…).
	Remotes []string
	// Creds is a NATS credentials file for the leaf connection.
	Creds string
	// TLS configures the leaf connection's TLS (nil: plain, unless a
	// remote's scheme is tls).
	TLS *tls.Config
	// Meetings are followed from the start.
	Meetings []string
	// CentreKey is the public half of the centre's bridge key: what the
	// centre sends is checked against it. CentreKeys are accepted too
	// (while the bridge key is rotated: the old and the new).
	CentreKey  ed25519.PublicKey
	CentreKeys []ed25519.PublicKey
	// PingEvery is how often the edge pings the centre and reports to it;
	// 0: 5 s.
	PingEvery time.Duration
	// FilesMax bounds DATA/bridge-files in bytes (0: bridge.DefaultFilesMax;
	// -1: no bound).
	FilesMax int64
}

// startEdge starts what an edge serves: the gateway over the replica, with
// commands and sign-in forwarded to the centre, and the documents fetched
// from the centre once and kept in DATA/bridge-files.
func (n *node) startEdge(mux *httpapi.Router, gwCfg gateway.Config) error {
	cfg := n.cfg
	n.edge = bridge.NewEdge(bridge.EdgeConfig{Site: cfg.Name, Meetings: cfg.Edge.Meetings, PingEvery: cfg.Edge.PingEvery, CentreKey: cfg.Edge.CentreKey, CentreKeys: cfg.Edge.CentreKeys, Held: n.store, Given: n.store, Logger: cfg.Logger}, n.bus, n.store)
	files, err := n.edge.Files(filepath.Join(cfg.Data, "bridge-files"))
	if err != nil {
		return err
	}
	bctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	files.Bound(bctx, cfg.Edge.FilesMax, n.svc)
	cancel()
	sessions := n.edge.Sessions(n.acc)
	n.gw = gateway.New(gwCfg, n.edge.Meetings(n.svc), sessions, n.edge)
	n.edge.SetTablets(n.gw.MeetingConnections)
	mux.Handle("GET /ws", n.gw)
	httpapi.NewWithLimits(sessions, cfg.JoinLimits, cfg.Logger).Register(mux)
	httpapi.NewDocuments(sessions, files, 0, cfg.Logger).Register(mux)
	return nil
}

// sharedLeafUserWarning is logged at the start of a central node whose
// leafnode listener takes one user for every bridge site (-nats-leaf-user).
const sharedLeafUserWarning = "bridge sites are NOT isolated from each other: every site logs in as the one leaf user -nats-leaf-user, so any site (a stolen mini PC) can read every other site's traffic, answer its requests and report under its name; only the bridge key's signatures hold. Give each site its own user with a sites file: `dais bridge-sites add -room ROOM SITE` for each, then daisd -bridge-sites FILE without -nats-leaf-user (docs/operations.md, \"From one shared leaf user to a sites file\")"

// edgeFlags are the command line's bridge settings, both sides.
type edgeFlags struct {
	edge                     bool
	remotes, creds           string
	user                     string
	ca, cert, key            string
	meetings                 string
	centreKey                string
	filesMax                 string
	leafListen, leafUser     string
	leafCA, leafCert, leafKy string
	// sites is the sites file (-bridge-sites): each site's leaf user and
	// room.
	sites string
}

// apply checks the flags and puts them into cfg; passwords come from the
// environment.
func (f edgeFlags) apply(cfg *config, getenv func(string) string) error {
	if f.sites != "" {
		if f.edge {
			return errors.New("-bridge-sites is the centre's list of sites; an edge is one site (-name)")
		}
		sites, err := bridge.LoadSites(f.sites)
		if err != nil {
			return fmt.Errorf("-bridge-sites: %w", err)
		}
		if len(sites) == 0 {
			// No site is not "no sites file": the centre would serve any
			// site under any name and, with -nats-leaf-listen, listen
			// for leaf connections with no user at all.
			return fmt.Errorf("-bridge-sites: %s lists no site: add each with `dais bridge-sites add -room ROOM SITE`", f.sites)
		}
		cfg.BridgeSites = sites
	}
	if f.leafListen != "" {
		if f.edge || len(cfg.NATSURLs) > 0 {
			return errors.New("-nats-leaf-listen is for a central node's embedded NATS (with -nats-url configure leafnodes {} on your NATS; an edge connects, it does not listen)")
		}
		pw := getenv("DAIS_NATS_LEAF_PASSWORD")
		switch {
		case f.sites != "" && f.leafUser != "":
			return errors.New("-bridge-sites gives each site its own leaf user: drop -nats-leaf-user (one user shared by every site lets a site read and answer another's traffic)")
		case f.sites != "":
			leaf, err := bridge.LeafSites(cfg.BridgeSites)
			if err != nil {
				return fmt.Errorf("-bridge-sites with -nats-leaf-listen: %w", err)
			}
			cfg.NATS.LeafSites = leaf
		case (f.leafUser == "" || pw == "") && f.leafCA == "":
			return errors.New("-nats-leaf-listen needs -bridge-sites (a leaf user per site), or -nats-leaf-user with DAIS_NATS_LEAF_PASSWORD, or -nats-leaf-ca (client certificates): a leaf connection reads every meeting's doorbells")
		}
		if f.sites == "" {
			cfg.NATS.LeafUser, cfg.NATS.LeafPassword = f.leafUser, pw
		}
		cfg.NATS.LeafListen = f.leafListen
		if f.leafCert != "" || f.leafCA != "" {
			t, err := leafServerTLS(f.leafCert, f.leafKy, f.leafCA)
			if err != nil {
				return fmt.Errorf("leafnode TLS: %w", err)
			}
			cfg.NATS.LeafTLS = t
		}
	}
	if !f.edge {
		if f.remotes != "" {
			return errors.New("-edge-remote needs -edge")
		}
		return nil
	}
	if len(cfg.NATSURLs) > 0 || cfg.clustered() {
		return errors.New("-edge runs its own embedded NATS and bbolt replica: drop -nats-url and -redis-url")
	}
	remotes := splitList(f.remotes)
	if len(remotes) == 0 {
		return errors.New("-edge needs -edge-remote nats-leaf://CENTRE:7422")
	}
	pw := getenv("DAIS_EDGE_PASSWORD")
	for i, r := range remotes {
		u, err := url.Parse(r)
		if err != nil || u.Host == "" {
			return fmt.Errorf("bad -edge-remote %q", r)
		}
		if f.user != "" && u.User == nil {
			u.User = url.UserPassword(f.user, pw)
			remotes[i] = u.String()
		}
	}
	if f.centreKey == "" {
		return errors.New("-edge needs -edge-centre-key: the public half of the centre's bridge key (a central node logs it at start as \"bridge key\"); the edge takes nothing from the centre it cannot verify")
	}
	var pubs []ed25519.PublicKey
	for _, k := range splitList(f.centreKey) {
		pub, err := bridge.ParsePublicKey(k)
		if err != nil {
			return fmt.Errorf("-edge-centre-key: %w", err)
		}
		pubs = append(pubs, pub)
	}
	if len(pubs) == 0 || len(pubs) > 4 {
		return fmt.Errorf("-edge-centre-key: one public key, or a few (comma-separated) while the bridge key is rotated; got %d", len(pubs))
	}
	pub := pubs[0]
	if !natsbus.ValidSite(cfg.Name) {
		return fmt.Errorf("-edge needs -name SITE, the site's name as the centre's sites file has it (lowercase letters, digits, - and _; got %q): everything the site sends and receives is on dais.site.SITE.>", cfg.Name)
	}
	filesMax, err := parseSize(f.filesMax)
	if err != nil {
		return fmt.Errorf("-edge-files-max: %w", err)
	}
	e := &edgeConfig{Remotes: remotes, Creds: f.creds, Meetings: splitList(f.meetings), CentreKey: pub, CentreKeys: pubs[1:], FilesMax: filesMax}
	if f.ca != "" || f.cert != "" {
		t, err := clientTLS(f.ca, f.cert, f.key)
		if err != nil {
			return fmt.Errorf("edge TLS: %w", err)
		}
		e.TLS = t
	}
	cfg.Edge = e
	return nil
}

// leafServerTLS is a leafnode listener's TLS: its certificate, and client
// certificates signed by ca required when ca is set.
func leafServerTLS(certFile, keyFile, caFile string) (*tls.Config, error) {
	if certFile == "" {
		return nil, errors.New("-nats-leaf-ca needs -nats-leaf-cert and -nats-leaf-key")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	t := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pool, err := certPool(caFile)
		if err != nil {
			return nil, err
		}
		t.ClientCAs, t.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return t, nil
}

// clientTLS is an edge's TLS towards the centre.
func clientTLS(caFile, certFile, keyFile string) (*tls.Config, error) {
	t := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pool, err := certPool(caFile)
		if err != nil {
			return nil, err
		}
		t.RootCAs = pool
	}
	if certFile != "" {
		cert, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, err
		}
		t.Certificates = []tls.Certificate{cert}
	}
	return t, nil
}

func certPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("no certificate in %s", file)
	}
	return pool, nil
}

// redactURLs hides the passwords of URLs for logs.
func redactURLs(urls []string) string {
	out := make([]string, len(urls))
	for i, s := range urls {
		if u, err := url.Parse(s); err == nil {
			out[i] = u.Redacted()
		} else {
			out[i] = "(unparsable)"
		}
	}
	return strings.Join(out, ",")
}

// parseSize reads a size in bytes: a whole number with an optional unit
// (KiB, MiB, GiB, TiB; K, M, G, T mean the same), "" for the default (0),
// or -1 for none.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return 0, nil
	case "-1":
		return -1, nil
	}
	num := strings.TrimRight(s, "KMGTiBb ")
	unit := strings.TrimSpace(s[len(num):])
	shift, ok := map[string]uint{"": 0, "B": 0, "K": 10, "KiB": 10, "M": 20, "MiB": 20, "G": 30, "GiB": 30, "T": 40, "TiB": 40}[unit]
	n, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || n <= 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("%q is not a size (e.g. 4GiB, 500MiB; -1 for no bound)", s)
	}
	return n << shift, nil
}
