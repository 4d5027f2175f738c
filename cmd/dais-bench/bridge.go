package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/realtime/bridge"
	"github.com/dais-meeting/dais/realtime/bridge/wantest"
)

// bridgeEnv is what the bridge scenario needs of the deployment: the
// centre's leafnode listener (the embedded daisd is started with
// -nats-leaf-listen and -bridge-sites when the scenario is asked for), each
// site's leaf credentials and how to start edges.
type bridgeEnv struct {
	Bin, Work string
	LeafAddr  string
	// Sites are the sites in the centre's sites file, site i+1 at i; each
	// edge logs in as its own leaf user, held by the centre's NATS to
	// dais.site.<site>.> (docs/bridge.md, "Trust between the sites").
	Sites []benchSite
	// CentreKey is the public half of the centre's bridge key, which the
	// edges check what the centre sends against (-edge-centre-key).
	CentreKey string
}

// benchSite is one bridge site of the scenario: its line in the sites
// file and its edge's leaf password.
type benchSite struct {
	bridge.Site
	Password string
}

// bridgeSiteName and bridgeRoom name site i (from 1) and its room in the
// seeded meetings: a room id other than the site's name, so the sites
// file's ROOM column is what maps one to the other.
func bridgeSiteName(i int) string { return fmt.Sprintf("edge-%d", i) }
func bridgeRoom(i int) string     { return fmt.Sprintf("dc%d", i) }

// newBridgeEnv writes the centre's sites file — one leaf user per site
// with a new random password (bcrypt-hashed in the file, as `dais
// bridge-sites add -room` writes it) and its room — picks the centre's
// leafnode address and returns the centre's flags for them.
func newBridgeEnv(bin, work string, sites int) (*bridgeEnv, []string, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, nil, err
	}
	keyFile := filepath.Join(work, "bridge.key")
	key, err := bridge.LoadOrCreateKey(keyFile)
	if err != nil {
		return nil, nil, err
	}
	env := &bridgeEnv{Bin: bin, Work: work, LeafAddr: addr, CentreKey: bridge.PublicKeyString(key)}
	file := make([]bridge.Site, max(sites, 1))
	for i := range file {
		s, pw, err := bridge.NewSite(bridgeSiteName(i+1), bridgeRoom(i+1))
		if err != nil {
			return nil, nil, err
		}
		file[i] = s
		env.Sites = append(env.Sites, benchSite{Site: s, Password: pw})
	}
	var b bytes.Buffer
	if err := bridge.FormatSites(&b, file); err != nil {
		return nil, nil, err
	}
	sitesFile := filepath.Join(work, "sites.txt")
	if err := os.WriteFile(sitesFile, b.Bytes(), 0o600); err != nil {
		return nil, nil, err
	}
	return env, []string{"-nats-leaf-listen", addr, "-bridge-sites", sitesFile, "-bridge-key-file", keyFile}, nil
}

// bridgeScenario: issue 14's numbers at the size asked for. cfg.Sites
// bridge sites, each a daisd -edge behind its own WAN link (toxiproxy,
// cfg.WANLatency ± cfg.WANJitter each way) to the centre's leafnode
// listener; cfg.Tablets tablets spread over the sites. The chair on the
// centre turns pages (latency at every site); then site 1's link is cut
// for cfg.Cut while the chair goes on, and restored: how long until its
// tablets are current, and that every tablet of every site got every turn
// once, in order. Last, a document of cfg.DocBytes goes to every site
// (bridgeDocPhase): the bytes it costs each site's WAN link.
func bridgeScenario(ctx context.Context, t *Target, cfg Config) (*Result, error) {
	res := newResult("bridge")
	if t.Bridge == nil {
		return nil, errors.New("the bridge scenario runs on the embedded deployment (no -redis-url)")
	}
	sites := max(cfg.Sites, 1)
	per := max(cfg.Tablets/sites, 1)
	lat, jit := int(cfg.WANLatency.Milliseconds()), int(cfg.WANJitter.Milliseconds())
	rtt := 2 * cfg.WANLatency
	res.Params["sites"], res.Params["tablets_per_site"] = sites, per
	res.Params["wan_latency_ms"], res.Params["wan_jitter_ms"], res.Params["cut_s"] = lat, jit, cfg.Cut.Seconds()

	links := make([]*wantest.Link, sites)
	edges := make([]*daisdNode, sites)
	defer func() {
		for i := range sites {
			if edges[i] != nil {
				edges[i].stop(5 * time.Second)
			}
			if links[i] != nil {
				links[i].Close()
			}
		}
	}()
	if len(t.Bridge.Sites) < sites {
		return nil, fmt.Errorf("the centre's sites file has %d sites, %d asked for", len(t.Bridge.Sites), sites)
	}
	urls := make([]string, sites)
	for i := range sites {
		site := t.Bridge.Sites[i]
		name := site.Name
		l, err := wantest.New(name, t.Bridge.LeafAddr)
		if err != nil {
			return nil, err
		}
		links[i] = l
		if err := l.SetLatency(lat, jit); err != nil {
			return nil, err
		}
		remote := url.URL{Scheme: "nats-leaf", User: url.UserPassword(site.LeafUser(), site.Password), Host: l.Addr()}
		n, err := startDaisd(ctx, daisdOptions{Bin: t.Bridge.Bin, Data: filepath.Join(t.Bridge.Work, name), Name: name, LogDir: t.Bridge.Work,
			Extra: []string{"-edge", "-edge-remote", remote.String(), "-edge-centre-key", t.Bridge.CentreKey}})
		if err != nil {
			return nil, fmt.Errorf("starting %s: %w", name, err)
		}
		edges[i], urls[i] = n, n.URL
	}
	for i := range sites {
		if err := waitCentre(ctx, urls[i], "ok"); err != nil {
			return nil, fmt.Errorf("edge %d: %w", i+1, err)
		}
	}
	t.logf("bridge: %d sites up behind %d ± %d ms each way", sites, lat, jit)

	chairS, secS, err := chairSessions(ctx, t)
	if err != nil {
		return nil, err
	}
	sess, err := t.delegates(ctx, sites*per, false, cfg.Conc)
	if err != nil {
		return nil, err
	}
	chair, err := dialOne(ctx, t.url(0), chairS, daisclient.Options{})
	if err != nil {
		return nil, err
	}
	defer chair.Drop()
	// Tablet i at site i % sites.
	at := *t
	at.URLs = urls
	tabs, err := connectLight(ctx, &at, sess, cfg.Conc)
	if err != nil {
		return nil, err
	}
	defer closeAll(tabs)
	bySite := make([][]*tablet, sites)
	for i, tb := range tabs {
		bySite[i%sites] = append(bySite[i%sites], tb)
	}
	down0 := make([]int64, sites)
	for i, l := range links {
		_, down0[i] = l.Bytes()
	}

	// Page turns at every site.
	tu := newTurner(chair, t.Meetings[0].Pages)
	t.measuring()
	metricsBefore := t.scrape(ctx) // the centre's
	t.logf("bridge: turning a page every %v for %v", cfg.Interval, cfg.Duration)
	if err := tu.run(ctx, cfg.Interval, cfg.Duration, nil); err != nil {
		return nil, err
	}
	if err := waitSeq(ctx, tabs, tu.last.Load()); err != nil {
		return nil, err
	}
	serverDiagnosis(res, metricsBefore, t.scrape(ctx))
	all, _ := turnLatencies(res, tabs, tu.sent, "page turns")
	res.Latency["page_turn"] = all.summarize()
	// The worst site, and its slowest turn: one turn late at one site
	// (50 tablets) sets that site's p99 over 40 turns.
	worst, worstSite := 0.0, 0
	for i, st := range bySite {
		l, _ := turnLatencies(newResult("site"), st, tu.sent, "page turns")
		if p := l.summarize().P99; p > worst {
			worst, worstSite = p, i+1
		}
	}
	res.Metrics["worst_site_page_turn_p99_ms"] = worst
	res.Metrics["worst_site"] = float64(worstSite)
	if worstSite > 0 {
		stalledTurns(res, t, fmt.Sprintf("bridge site %d", worstSite), perTurn(bySite[worstSite-1], tu.sent, tu.ackOf))
	}
	limit := float64(rtt.Milliseconds()) + 30
	res.check("page turn p99 at every site", fmt.Sprintf("≤ WAN RTT + 30 ms = %.0f ms", limit), fmt.Sprintf("%.1f ms (worst site)", worst), worst <= limit)
	var wanDown int64
	for i, l := range links {
		_, d := l.Bytes()
		wanDown += d - down0[i]
	}
	res.Metrics["wan_bytes_per_site_per_turn"] = float64(wanDown) / float64(sites) / float64(max(len(tu.sent), 1))

	// Site 1's link is cut while the chair goes on, then restored.
	sent := map[uint64]time.Time{}
	for k, v := range tu.sent {
		sent[k] = v
	}
	links[0].Cut()
	if err := waitCentre(ctx, urls[0], "cut"); err != nil {
		return nil, err
	}
	t.logf("bridge: site 1 cut for %v", cfg.Cut)
	during := newTurner(chair, t.Meetings[0].Pages)
	if err := during.run(ctx, cfg.Interval, cfg.Cut, nil); err != nil {
		return nil, err
	}
	last := during.last.Load()
	if err := links[0].Mend(); err != nil {
		return nil, err
	}
	back := time.Now()
	if err := waitSeq(ctx, bySite[0], last); err != nil {
		return nil, err
	}
	current := time.Since(back)
	res.Metrics["current_after_cut_ms"] = float64(current.Milliseconds())
	res.check("site current after the link returns", "≤ 2 s", fmt.Sprintf("%.2f s", current.Seconds()), current <= 2*time.Second)
	if err := waitSeq(ctx, tabs, last); err != nil {
		return nil, err
	}
	for k, v := range during.sent {
		sent[k] = v
	}
	// Every turn at every tablet, once, in order (turnLatencies fails the
	// run on a missing, repeated or out-of-order one).
	turnLatencies(res, tabs, sent, "page turns, the cut included")
	res.Metrics["turns"] = float64(len(sent))
	// The centre knows every site by its leaf user and its sites-file room,
	// and each site reports its tablets.
	seen, err := siteStatuses(ctx, t.url(0), t.Meetings[0].ID, chairS.Token, t.Bridge.Sites[:sites], per)
	res.check("sites on own leaf users, in their rooms", fmt.Sprintf("%d of %d", sites, sites), fmt.Sprintf("%d of %d", seen, sites), err == nil && seen == sites)
	if err != nil {
		res.fail("bridge sites as the centre sees them: %v", err)
	}
	// A document to every site (cfg.DocBytes 0: no document phase).
	if cfg.DocBytes > 0 {
		if err := bridgeDocPhase(ctx, t, cfg, res, secS, chair, links, urls, sess); err != nil {
			return nil, fmt.Errorf("the document phase: %w", err)
		}
	}
	kicks, resumes := countResumes(res, tabs)
	res.check("tablets closed as too slow (4008) / resumed", "0 / 0", fmt.Sprintf("%d / %d", kicks, resumes), kicks == 0 && resumes == 0)
	res.Notes = append(res.Notes, fmt.Sprintf("%d sites × %d tablets; link latency %d ± %d ms each way (RTT %v); site 1 cut for %v", sites, per, lat, jit, rtt, cfg.Cut))
	return res, nil
}

// siteStatuses asks the centre for meeting's sites (as the chair) until
// every site of want is online, with the room its sites-file line gives
// and per tablets reported (an edge reports every 5 s), or 15 s passed; it
// returns how many were so, and what was wrong with the others.
func siteStatuses(ctx context.Context, base, meetingID, token string, want []benchSite, per int) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	for {
		ok, err := func() (int, error) {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/meetings/"+url.PathEscape(meetingID)+"/sites", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return 0, fmt.Errorf("GET sites: %s", resp.Status)
			}
			var body struct {
				Sites []bridge.SiteStatus `json:"sites"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				return 0, err
			}
			got := map[string]bridge.SiteStatus{}
			for _, s := range body.Sites {
				got[s.Site] = s
			}
			n := 0
			var wrong []string
			for _, w := range want {
				switch s, found := got[w.Name]; {
				case !found || !s.Online:
					wrong = append(wrong, w.Name+" not online")
				case s.Room != w.Room:
					wrong = append(wrong, fmt.Sprintf("%s in room %q, not %q", w.Name, s.Room, w.Room))
				case s.Tablets != per:
					wrong = append(wrong, fmt.Sprintf("%s reports %d tablets, not %d", w.Name, s.Tablets, per))
				default:
					n++
				}
			}
			if len(wrong) > 0 {
				return n, errors.New(strings.Join(wrong, "; "))
			}
			return n, nil
		}()
		if err == nil {
			return ok, nil
		}
		select {
		case <-ctx.Done():
			return ok, err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// waitCentre polls an edge's /readyz until its "centre" is want.
func waitCentre(ctx context.Context, base, want string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			var body map[string]string
			_ = json.NewDecoder(resp.Body).Decode(&body)
			resp.Body.Close()
			if body["centre"] == want {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the edge at %s never reported the centre %s", base, want)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
