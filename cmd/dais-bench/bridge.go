package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/realtime/bridge"
	"github.com/dais-meeting/dais/realtime/bridge/wantest"
)

// bridgeEnv is what the bridge scenario needs of the deployment: the
// centre's leafnode listener (the embedded daisd is started with
// -nats-leaf-listen when the scenario is asked for) and how to start edges.
type bridgeEnv struct {
	Bin, Work          string
	LeafAddr, Password string
	// CentreKey is the public half of the centre's bridge key, which the
	// edges check what the centre sends against (-edge-centre-key).
	CentreKey string
}

// newBridgeEnv picks the centre's leafnode address and password and
// returns the centre's flags for them (the password goes by the
// environment, DAIS_NATS_LEAF_PASSWORD, as daisd reads it).
func newBridgeEnv(bin, work string) (*bridgeEnv, []string, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, nil, err
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, nil, err
	}
	keyFile := filepath.Join(work, "bridge.key")
	key, err := bridge.LoadOrCreateKey(keyFile)
	if err != nil {
		return nil, nil, err
	}
	env := &bridgeEnv{Bin: bin, Work: work, LeafAddr: addr, Password: hex.EncodeToString(b[:]), CentreKey: bridge.PublicKeyString(key)}
	return env, []string{"-nats-leaf-listen", addr, "-nats-leaf-user", "bench", "-bridge-key-file", keyFile}, nil
}

// bridgeScenario: issue 14's numbers at the size asked for. cfg.Sites
// bridge sites, each a daisd -edge behind its own WAN link (toxiproxy,
// cfg.WANLatency ± cfg.WANJitter each way) to the centre's leafnode
// listener; cfg.Tablets tablets spread over the sites. The chair on the
// centre turns pages (latency at every site); then site 1's link is cut
// for cfg.Cut while the chair goes on, and restored: how long until its
// tablets are current, and that every tablet of every site got every turn
// once, in order.
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
	urls := make([]string, sites)
	for i := range sites {
		name := fmt.Sprintf("edge-%d", i+1)
		l, err := wantest.New(name, t.Bridge.LeafAddr)
		if err != nil {
			return nil, err
		}
		links[i] = l
		if err := l.SetLatency(lat, jit); err != nil {
			return nil, err
		}
		remote := url.URL{Scheme: "nats-leaf", User: url.UserPassword("bench", t.Bridge.Password), Host: l.Addr()}
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

	chairS, _, err := chairSessions(ctx, t)
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
	t.logf("bridge: turning a page every %v for %v", cfg.Interval, cfg.Duration)
	if err := tu.run(ctx, cfg.Interval, cfg.Duration, nil); err != nil {
		return nil, err
	}
	if err := waitSeq(ctx, tabs, tu.last.Load()); err != nil {
		return nil, err
	}
	all, _ := turnLatencies(res, tabs, tu.sent, "page turns")
	res.Latency["page_turn"] = all.summarize()
	worst := 0.0
	for _, st := range bySite {
		l, _ := turnLatencies(newResult("site"), st, tu.sent, "page turns")
		worst = max(worst, l.summarize().P99)
	}
	res.Metrics["worst_site_page_turn_p99_ms"] = worst
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
	kicks, resumes := countResumes(res, tabs)
	res.check("tablets closed as too slow (4008) / resumed", "0 / 0", fmt.Sprintf("%d / %d", kicks, resumes), kicks == 0 && resumes == 0)
	res.Notes = append(res.Notes, fmt.Sprintf("%d sites × %d tablets; link latency %d ± %d ms each way (RTT %v); site 1 cut for %v", sites, per, lat, jit, rtt, cfg.Cut))
	return res, nil
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
