package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/dais-meeting/dais/realtime/bridge"
)

// TestMain lets the test binary serve as the bare hub's process, as the
// dais-bench binary does (the hub scenario starts os.Executable()).
func TestMain(m *testing.M) {
	if len(os.Args) == 3 && os.Args[1] == "-hub-serve" {
		if err := serveHub(os.Args[2]); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// buildDaisd builds the server the bench measures into a temporary folder.
func buildDaisd(tb testing.TB) string {
	tb.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(tb.TempDir(), "daisd")
	cmd := exec.Command(goBin, "build", "-o", bin, "github.com/dais-meeting/dais/cmd/daisd")
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("building daisd: %v\n%s", err, out)
	}
	return bin
}

// mustDeploy seeds meetings × delegates and starts a daisd child on them.
func mustDeploy(tb testing.TB, meetings, delegates int) *Target {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	o := options{daisd: buildDaisd(tb), nodes: 1}
	d := &deployment{work: tb.TempDir(), logf: tb.Logf}
	tb.Cleanup(d.stop)
	if err := d.startEmbedded(ctx, o, seedSpec{Meetings: meetings, Delegates: delegates, Doc: docFile(256 << 10)}); err != nil {
		tb.Fatal(err)
	}
	return &Target{URLs: d.urls, MetricsURLs: d.metricsURLs(), Pids: d.pids, Meetings: d.seeded, Log: tb.Logf, GC: d.gc}
}

// TestScenarios runs every scenario at 20 tablets against a real daisd
// child and checks that each counts what it should. No timing thresholds:
// the targets are reported, never asserted here.
func TestScenarios(t *testing.T) {
	const n = 20
	target := mustDeploy(t, 2, n)
	cfg := Config{Tablets: n, Interval: 20 * time.Millisecond, Duration: 300 * time.Millisecond, Spread: 200 * time.Millisecond,
		Conc: 8, Settle: 50 * time.Millisecond, Offline: 100 * time.Millisecond}
	tests := []struct {
		name, scenario string
		cfg            func(Config) Config
		check          func(t *testing.T, r *Result)
	}{
		// Enough broadcasts that the hub's CPU time (10 ms ticks in
		// /proc) is not zero: pageturn's ratio needs it.
		{"hub", "hub", func(c Config) Config { c.Interval, c.Duration = 5*time.Millisecond, time.Second; return c }, func(t *testing.T, r *Result) {
			turns := r.Metrics["turns"]
			if turns < 1 || r.Metrics["deliveries"] != turns*n {
				t.Fatalf("turns %v, deliveries %v, want turns × %d", turns, r.Metrics["deliveries"], n)
			}
			if s := r.Latency["page_turn"]; s.Count != int(turns)*n || s.P50 <= 0 {
				t.Errorf("latency summary %+v", s)
			}
			if len(r.Failures) > 0 {
				t.Errorf("failures: %v", r.Failures)
			}
		}},
		{"morning", "morning", nil, func(t *testing.T, r *Result) {
			// Fresh tablets: every code redeemed here, every welcome a
			// lean snapshot, every check-in counted on every tablet.
			if r.Metrics["checkins"] != n || r.Latency["welcome_since_start"].Count != n || r.Latency["checkin_ack"].Count != n {
				t.Fatalf("checkins %v, welcomes %d, acks %d; want %d each", r.Metrics["checkins"], r.Latency["welcome_since_start"].Count, r.Latency["checkin_ack"].Count, n)
			}
			if p := r.Metrics["present_shown"]; p < n {
				t.Errorf("tablets showed %v present, want at least %d", p, n)
			}
			if b := r.Metrics["welcome_bytes_per_tablet"]; b <= 0 || b > 16<<10 {
				t.Errorf("welcome bytes per tablet %v: want a lean welcome of a few KB", b)
			}
			if r.Metrics["roster_bytes"] <= 0 || r.Metrics["hub_page_turn_p99_ms"] <= 0 {
				t.Errorf("roster %v bytes, hub p99 %v: want both measured", r.Metrics["roster_bytes"], r.Metrics["hub_page_turn_p99_ms"])
			}
			if turns := r.Metrics["turns"]; turns < 1 || r.Latency["page_turn"].Count != int(turns)*n {
				t.Errorf("turns %v, page-turn deliveries %d", turns, r.Latency["page_turn"].Count)
			}
			if len(r.Failures) > 0 {
				t.Errorf("failures: %v", r.Failures)
			}
		}},
		{"pageturn", "pageturn", nil, func(t *testing.T, r *Result) {
			turns := r.Metrics["turns"]
			if turns < 1 {
				t.Fatalf("no page turns: %v", r.Metrics)
			}
			if got, want := r.Metrics["deliveries"], turns*n; got != want {
				t.Errorf("deliveries = %v, want %v", got, want)
			}
			if s := r.Latency["page_turn"]; s.Count != int(turns)*n || s.P50 <= 0 || s.P50 > s.P99 || s.P99 > s.Max {
				t.Errorf("latency summary %+v", s)
			}
			if _, ok := r.Metrics["server_cpu_per_delivery_us"]; !ok {
				t.Error("no CPU per delivery")
			}
			if _, ok := r.Metrics["cpu_per_delivery_vs_hub"]; !ok {
				t.Error("no ratio to the hub, which ran before")
			}
			if a := r.Latency["chair_ack"]; a.Count != int(turns) {
				t.Errorf("chair acks %d, want one per turn (%v)", a.Count, turns)
			}
			// The diagnosis read the node's metrics: every turn was fanned
			// out once by the one node's room, none read from the log.
			if f := r.Metrics["fanout_events"]; f < turns {
				t.Errorf("the node's metrics count %v events fanned out, want at least the %v turns", f, turns)
			}
			if _, ok := r.Metrics["worst_turn_median_ms"]; !ok {
				t.Error("no per-turn report")
			}
		}},
		{"vote", "vote", nil, func(t *testing.T, r *Result) {
			for k, want := range map[string]float64{"accepted": n, "result_cast": n, "ballots_sent": n, "lost": 0, "duplicates": 0} {
				if r.Metrics[k] != want {
					t.Errorf("%s = %v, want %v", k, r.Metrics[k], want)
				}
			}
			if got := r.Latency["result_after_close"].Count; got != n {
				t.Errorf("%d tablets saw the result, want %d", got, n)
			}
			// Every ack timed twice: by the tablet's reader, and (Linux) at
			// its socket, never after the reader took it.
			read, wire := r.Latency["ballot_ack"], r.Latency["ballot_ack_at_socket"]
			if read.Count != n || (wireStamps && (wire.Count != n || wire.Max > read.Max || wire.P50 > read.P50)) {
				t.Errorf("ballot acks timed: by the reader %+v, at the socket %+v", read, wire)
			}
			// The server's side of the storm: every ballot a command.
			if r.Metrics["server_ballots"] != n {
				t.Errorf("the server counted %v ballot commands in the storm, want %d", r.Metrics["server_ballots"], n)
			}
		}},
		{"vote with a dropped ballot", "vote", func(c Config) Config {
			c.SkipBallot = func(i int) bool { return i == 7 } // tablet 7's ballot is dropped
			return c
		}, func(t *testing.T, r *Result) {
			if r.Metrics["lost"] != 1 || r.Metrics["accepted"] != n || r.Metrics["result_cast"] != n-1 {
				t.Errorf("lost %v accepted %v cast %v; want 1, %d, %d", r.Metrics["lost"], r.Metrics["accepted"], r.Metrics["result_cast"], n, n-1)
			}
			if !hasFailure(r, "lost") {
				t.Errorf("a dropped ballot must fail the run; failures: %q", r.Failures)
			}
		}},
		{"election", "election", nil, func(t *testing.T, r *Result) {
			// Tablets 7 (one name too many) and 13 (every name struck) cast
			// invalid ballots; the count must find exactly those.
			for k, want := range map[string]float64{"accepted": n, "ballots_sent": n, "returned": n, "valid": n - 2, "invalid": 2,
				"lost": 0, "duplicates": 0, "names_miscounted": 0} {
				if r.Metrics[k] != want {
					t.Errorf("%s = %v, want %v", k, r.Metrics[k], want)
				}
			}
			if got := r.Latency["result_after_close"].Count; got != n {
				t.Errorf("%d tablets saw the result, want %d", got, n)
			}
			if f := r.Metrics["ballot_frame_bytes"]; f < benchCandidates || f > 1000 {
				t.Errorf("ballot frame %v bytes, want the 70 marks and a few hundred bytes in all", f)
			}
			// As in the vote: every ack timed by the reader and at the socket, and the round's ballots counted by the server.
			read, wire := r.Latency["ballot_ack"], r.Latency["ballot_ack_at_socket"]
			if read.Count != n || (wireStamps && (wire.Count != n || wire.Max > read.Max || wire.P50 > read.P50)) {
				t.Errorf("ballot acks timed: by the reader %+v, at the socket %+v", read, wire)
			}
			if r.Metrics["server_ballots"] != n {
				t.Errorf("the server counted %v ballot commands in the round, want %d", r.Metrics["server_ballots"], n)
			}
		}},
		{"election with a dropped ballot", "election", func(c Config) Config {
			c.SkipBallot = func(i int) bool { return i == 3 }
			return c
		}, func(t *testing.T, r *Result) {
			if r.Metrics["lost"] != 1 || r.Metrics["returned"] != n-1 {
				t.Errorf("lost %v returned %v; want 1, %d", r.Metrics["lost"], r.Metrics["returned"], n-1)
			}
			if !hasFailure(r, "lost") {
				t.Errorf("a dropped ballot must fail the run; failures: %q", r.Failures)
			}
		}},
		{"reconnect", "reconnect", nil, func(t *testing.T, r *Result) {
			if r.Metrics["events_missed_offline"] < 1 {
				t.Errorf("the tablets missed nothing while offline: %v", r.Metrics)
			}
			if got := r.Latency["resume_until_current"].Count; got != n {
				t.Errorf("%d tablets resumed, want %d", got, n)
			}
		}},
		{"idle", "idle", func(c Config) Config { c.Tablets = 2 * n; return c }, func(t *testing.T, r *Result) {
			if r.Metrics["still_connected"] != 2*n {
				t.Errorf("still connected %v, want %d", r.Metrics["still_connected"], 2*n)
			}
			if r.Metrics["rss_after_MiB"] <= 0 {
				t.Errorf("no memory reading: %v", r.Metrics)
			}
		}},
		{"download", "download", nil, func(t *testing.T, r *Result) {
			if got, want := r.Metrics["dais_bytes"], float64(n*(256<<10)); got != want {
				t.Errorf("downloaded %v bytes, want %v", got, want)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			if tt.cfg != nil {
				c = tt.cfg(c)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			r, err := scenarios[tt.scenario](ctx, target, c)
			if err != nil {
				t.Fatal(err)
			}
			if tt.cfg == nil && len(r.Failures) > 0 {
				t.Errorf("failures: %q", r.Failures)
			}
			tt.check(t, r)
			rep := &Report{Results: []*Result{r}}
			var buf bytes.Buffer
			rep.writeText(&buf)
			if !strings.Contains(buf.String(), tt.scenario) {
				t.Errorf("text report lacks the scenario:\n%s", buf.String())
			}
			dir := t.TempDir()
			if err := rep.writeHTML(filepath.Join(dir, "r.html")); err != nil {
				t.Fatal(err)
			}
			if err := rep.writeJSON(filepath.Join(dir, "r.json")); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func hasFailure(r *Result, word string) bool {
	for _, f := range r.Failures {
		if strings.Contains(f, word) {
			return true
		}
	}
	return false
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name          string
		in            []time.Duration
		p50, p99, max float64
	}{
		{"one", []time.Duration{3 * time.Millisecond}, 3, 3, 3},
		{"hundred", func() []time.Duration {
			var d []time.Duration
			for i := 100; i >= 1; i-- {
				d = append(d, time.Duration(i)*time.Millisecond)
			}
			return d
		}(), 50, 99, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := summarize(tt.in)
			if s.P50 != tt.p50 || s.P99 != tt.p99 || s.Max != tt.max || s.Count != len(tt.in) {
				t.Errorf("got %+v", s)
			}
			total := 0
			for _, c := range s.Counts {
				total += c
			}
			if total != len(tt.in) || len(s.Counts) != len(s.Bounds) {
				t.Errorf("histogram holds %d of %d samples (%d bounds, %d counts)", total, len(tt.in), len(s.Bounds), len(s.Counts))
			}
		})
	}
}

func TestReadProcSelf(t *testing.T) {
	ps, err := readProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if ps.RSS <= 0 {
		t.Errorf("RSS = %d", ps.RSS)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-scenario", "nope"}, {"-tablets", "0"}, {"-scenario", ""}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(context.Background(), args, &out, &errb); code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errb.String())
			}
		})
	}
}

// TestElectionBallot: the bench's ballots are what it counts on — every
// one 70 marks of '0'/'1', the valid ones keeping 1 to 55 names, exactly
// the 8th of every 97 and the 14th of every 131 invalid, and the first
// names kept by most.
func TestElectionBallot(t *testing.T) {
	const n = 1600
	kept := make([]int, benchCandidates)
	invalid := 0
	for i := range n {
		m, valid := electionBallot(i, benchCandidates, benchSeats)
		if len(m) != benchCandidates || strings.Trim(m, "01") != "" {
			t.Fatalf("ballot %d = %q", i, m)
		}
		k := strings.Count(m, "1")
		wantInvalid := i%131 == 13 || i%97 == 7
		if valid == wantInvalid || valid != (k >= 1 && k <= benchSeats) {
			t.Fatalf("ballot %d keeps %d names, valid %v", i, k, valid)
		}
		if again, _ := electionBallot(i, benchCandidates, benchSeats); again != m {
			t.Fatalf("ballot %d is not the same twice", i)
		}
		if !valid {
			invalid++
			continue
		}
		for j := range m {
			if m[j] == '1' {
				kept[j]++
			}
		}
	}
	if invalid < 25 || invalid > 35 {
		t.Errorf("%d invalid ballots of %d", invalid, n)
	}
	// Every one of the 55 first names above half, every surplus name below.
	for j, k := range kept {
		if above := 2*k > n; above != (j < benchSeats) {
			t.Errorf("name %d kept on %d of %d ballots", j+1, k, n)
		}
	}
}

// TestBridgeScenario runs the bridge scenario small, in the real
// configuration: the centre with a sites file (-bridge-sites: one leaf user
// per site, bcrypt-hashed, and its room), two sites (daisd -edge children,
// each behind its own toxiproxy link to the centre's leafnode listener,
// logging in as its own user), 12 tablets in the sites' rooms, a short cut
// of site 1, then a 1.5 MB document downloaded by 4 tablets per site in
// 128 KiB ranges, as the web client fetches it. It
// checks what the scenario counts, not its timings.
func TestBridgeScenario(t *testing.T) {
	const n = 12
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := Config{Tablets: n, Interval: 50 * time.Millisecond, Duration: 500 * time.Millisecond, Conc: 8,
		Sites: 2, WANLatency: 5 * time.Millisecond, WANJitter: 2 * time.Millisecond, Cut: 500 * time.Millisecond,
		DocBytes: 1500 << 10, DocTablets: 4, DocRange: 128 << 10}
	o := options{daisd: buildDaisd(t), nodes: 1, scenarios: []string{"bridge"}, cfg: cfg}
	d := &deployment{work: t.TempDir(), logf: t.Logf}
	t.Cleanup(d.stop)
	if err := d.startEmbedded(ctx, o, seedSpec{Meetings: 1, Delegates: n, Doc: docFile(64 << 10)}); err != nil {
		t.Fatal(err)
	}
	// The sites file the centre was started with: a user and a bcrypt
	// hash of its own password per site, and its room.
	sites, err := bridge.LoadSites(filepath.Join(d.work, "sites.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(sites) != 2 || len(d.bridge.Sites) != 2 {
		t.Fatalf("sites file %v, edges' credentials %d; want 2 sites", sites, len(d.bridge.Sites))
	}
	for i, s := range sites {
		e := d.bridge.Sites[i]
		if s.Name != bridgeSiteName(i+1) || s.Room != bridgeRoom(i+1) || s.LeafUser() != "site-"+s.Name {
			t.Errorf("site %d: %+v", i+1, s)
		}
		if bcrypt.CompareHashAndPassword([]byte(s.PasswordHash), []byte(e.Password)) != nil {
			t.Errorf("site %s: its edge's password does not match its hash", s.Name)
		}
		other := d.bridge.Sites[1-i].Password
		if bcrypt.CompareHashAndPassword([]byte(s.PasswordHash), []byte(other)) == nil {
			t.Errorf("site %s: the other site's password matches its hash", s.Name)
		}
	}
	target := &Target{URLs: d.urls, MetricsURLs: d.metricsURLs(), Pids: d.pids, Meetings: d.seeded, Log: t.Logf, Bridge: d.bridge}
	r, err := bridgeScenario(ctx, target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Failures) > 0 {
		t.Fatalf("failures: %v", r.Failures)
	}
	if k, ok := r.Metrics["kicks_4008"]; !ok || k != 0 || r.Metrics["resumes"] != 0 {
		t.Fatalf("kicks %v (counted: %v), resumes %v; want 0 and 0", k, ok, r.Metrics["resumes"])
	}
	turns := r.Metrics["turns"]
	if turns < 2 || r.Latency["page_turn"].Count < n || r.Metrics["worst_site_page_turn_p99_ms"] <= 0 {
		t.Fatalf("turns %v, page-turn deliveries %d, worst site p99 %v", turns, r.Latency["page_turn"].Count, r.Metrics["worst_site_page_turn_p99_ms"])
	}
	// The worst site is named, its slowest turn found, and the centre's
	// appends counted: one per turn measured at least (the turns during
	// the cut come after).
	measured := float64(r.Latency["page_turn"].Count) / float64(n)
	if site := r.Metrics["worst_site"]; site < 1 || site > float64(len(sites)) || r.Metrics["worst_turn_number"] < 1 || r.Metrics["server_appends"] < measured {
		t.Fatalf("worst site %v of %d, its worst turn %v, the centre's appends %v for %v turns measured", site, len(sites), r.Metrics["worst_turn_number"], r.Metrics["server_appends"], measured)
	}
	if _, ok := r.Metrics["current_after_cut_ms"]; !ok || len(r.Checks) != 5 {
		t.Fatalf("metrics %v, checks %v", r.Metrics, r.Checks)
	}
	if c := r.Checks[2]; !strings.HasPrefix(c.Name, "sites on own leaf users") || c.Value != "2 of 2" || !c.Met {
		t.Fatalf("sites check %+v", c)
	}
	// The document: 4 tablets at each site downloaded it whole (their
	// sha256 checked by the scenario), and what crossed each site's link
	// towards it, counted by the proxy, is the document once — not 4 times.
	// The document does not compress, so less than once is not possible.
	if n := r.Metrics["doc_downloads"]; n != 8 {
		t.Fatalf("%v whole downloads of the document, want 8", n)
	}
	worst, mean := r.Metrics["doc_wan_ratio_worst_site"], r.Metrics["doc_wan_ratio_per_site"]
	t.Logf("document of %v bytes: %.0f bytes per site crossed the WAN (%.3f×, worst site %.3f×)", r.Params["doc_bytes"], r.Metrics["doc_wan_bytes_per_site"], mean, worst)
	if worst > 1.1 || mean < 1 {
		t.Fatalf("the document crossed each site's WAN link %.3f× (worst site %.3f×): want once", mean, worst)
	}
	if c := r.Checks[3]; !strings.HasPrefix(c.Name, "a document crosses the WAN once per site") || !c.Met {
		t.Fatalf("document check %+v", c)
	}
}
