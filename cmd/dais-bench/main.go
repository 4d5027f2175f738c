// Command dais-bench is the load generator of Dais: it prepares meetings
// with many delegates, starts daisd as a child process on them, and drives
// it over loopback with simulated tablets (clients/daisclient), measuring
// latency, throughput, CPU per delivery and memory per connection.
//
//	go build -o bin/daisd ./cmd/daisd
//	go run ./cmd/dais-bench -scenario pageturn -tablets 2000 -out bench-out
//
// Scenarios (-scenario, comma-separated, run in order on one server):
// morning (a congress morning: fresh tablets sign in and check in; run it
// first), pageturn, vote, election, reconnect, download, idle, and hub (the pageturn
// measurement against a bare broadcast hub, the yardstick; run it before
// pageturn to get the CPU ratio of the two in one run), and bridge (bridge
// sites: daisd -edge each behind a toxiproxy WAN link, docs/bridge.md). The figures go to stdout, to
// OUT/report.json and to OUT/report.html (histograms as inline SVG).
//
// How the meetings get there: before daisd starts, the bench opens the
// fresh data folder itself (storage/bolt, or Redis with a unique key prefix
// when -redis-url is set), runs the setup commands through meeting/service
// and writes one-time invitation codes to WORK/codes.json; the tablets then
// redeem them over HTTP like real ones. Everything is bounded by -timeout,
// listens on loopback only, and the children are stopped on exit (and
// killed by the kernel if the bench dies: Pdeathsig).
//
// A simulated tablet closed by the server (4008 too slow, 4009 draining,
// 4011) or by the network resumes by itself with its last seq, with the
// web client's backoff; a final close (4001, 4003, 4029) is a failure. The
// report counts, per scenario, the tablets' closes as too slow
// (kicks_4008) and their own resumes (resumes).
//
// The run fails (exit 1) on a correctness failure: an acknowledged ballot
// missing from the result, a ballot counted twice, a refused command, an
// event missing or repeated after a resume. Missed performance targets are
// reported, not failures. Exit 2 is a setup error.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-hub-serve" {
		// The bare hub, started by the hub scenario as a child process.
		if err := serveHub(os.Args[2]); err != nil {
			fmt.Fprintln(os.Stderr, "dais-bench hub:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the command line.
type options struct {
	daisd, nginx, natsServer string
	daisdArgs                []string // more flags for every daisd node
	scenarios                []string
	meetings, delegates      int
	cfg                      Config
	out, work                string
	repeat                   int
	keep                     bool
	timeout                  time.Duration
	profile                  time.Duration
	selfProfile              string
	docMiB                   int
	redisURL                 string
	nodes                    int
}

func parse(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("dais-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.daisd, "daisd", "bin/daisd", "the daisd binary to measure (go build -o bin/daisd ./cmd/daisd)")
	extra := fs.String("daisd-args", "", "more flags for every daisd node, space-separated (e.g. \"-ping-interval 10m\" to see what the pings cost)")
	scen := fs.String("scenario", "pageturn", "scenarios to run, comma-separated: morning (fresh tablets sign in, check in, page turns; first), pageturn, vote, election, reconnect, download, idle, hub (a bare broadcast hub as yardstick; before pageturn or morning), bridge (bridge sites behind a WAN: -sites, -wan-latency, -wan-jitter, -cut)")
	fs.IntVar(&o.cfg.Tablets, "tablets", 200, "simulated tablets (delegates) taking part")
	fs.IntVar(&o.meetings, "meetings", 1, "meetings to seed (idle spreads tablets over them; the others use the first)")
	fs.IntVar(&o.delegates, "delegates", 0, "delegates per meeting (0: -tablets divided by -meetings, rounded up)")
	fs.DurationVar(&o.cfg.Interval, "interval", 100*time.Millisecond, "time between page turns")
	fs.DurationVar(&o.cfg.Duration, "duration", 10*time.Second, "how long the chair turns pages (pageturn)")
	fs.DurationVar(&o.cfg.Spread, "spread", time.Second, "the ballots are cast uniformly over this time (vote, election)")
	fs.IntVar(&o.cfg.Conc, "conc", 64, "connections or sign-ins started at once")
	fs.DurationVar(&o.cfg.Settle, "settle", 3*time.Second, "idle: wait this long before reading the server's memory")
	fs.DurationVar(&o.cfg.Offline, "offline", time.Second, "reconnect: how long the tablets stay away before they resume")
	fs.IntVar(&o.cfg.Sites, "sites", 2, "bridge: bridge sites (daisd -edge each, behind its own WAN link)")
	fs.DurationVar(&o.cfg.WANLatency, "wan-latency", 15*time.Millisecond, "bridge: the WAN's latency each way (the round trip is twice it)")
	fs.DurationVar(&o.cfg.WANJitter, "wan-jitter", 5*time.Millisecond, "bridge: the WAN latency's jitter, each way")
	fs.DurationVar(&o.cfg.Cut, "cut", 3*time.Second, "bridge: how long site 1's link is cut while the chair turns pages")
	fs.IntVar(&o.docMiB, "doc-mib", 20, "size of the document file in MiB (download; bridge: the PDF the secretary uploads and every site's tablets download)")
	fs.IntVar(&o.cfg.DocTablets, "doc-tablets", 0, "bridge: tablets of each site that download the document (0: all of them)")
	docRange := fs.Int("doc-range-kib", 128, "bridge: the tablets fetch the document in ranges of this many KiB, as the web client's pdf.js does (128; 0: whole, in one request)")
	fs.StringVar(&o.nginx, "nginx", "/usr/sbin/nginx", "nginx binary for the download ratio; empty skips it")
	fs.StringVar(&o.out, "out", "bench-out", "folder for report.json and report.html")
	fs.StringVar(&o.work, "work", "", "work folder (data, logs, codes); empty: a fresh temporary one")
	fs.IntVar(&o.repeat, "repeat", 1, "run the scenarios this many times in turn (hub,pageturn,hub,pageturn,…) on the same server, and report the page turns pooled over the runs: p50/p99 of every delivery of every run, the CPU per delivery of all, against the hub's")
	fs.BoolVar(&o.keep, "keep", false, "keep the work folder")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Minute, "bound of the whole run")
	fs.DurationVar(&o.profile, "profile", 0, "take a CPU profile of the first daisd for this long when each scenario starts measuring, after connecting (OUT/<scenario>.pprof)")
	fs.StringVar(&o.redisURL, "redis-url", "", "clustered mode: Redis URL; the meetings are seeded under a fresh key prefix that is deleted afterwards")
	fs.IntVar(&o.nodes, "nodes", 3, "clustered mode: daisd nodes (and nats-server cluster members)")
	fs.StringVar(&o.selfProfile, "self-profile", "", "write a CPU profile of dais-bench itself (the simulated tablets) over the whole run to this file")
	fs.StringVar(&o.natsServer, "nats-server", "/usr/sbin/nats-server", "clustered mode: the nats-server binary")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.daisdArgs = strings.Fields(*extra)
	o.cfg.DocBytes = int64(o.docMiB) << 20
	o.cfg.DocRange = int64(max(*docRange, 0)) << 10
	for _, s := range strings.Split(*scen, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if scenarios[s] == nil {
			return o, fmt.Errorf("unknown scenario %q", s)
		}
		o.scenarios = append(o.scenarios, s)
	}
	if len(o.scenarios) == 0 {
		return o, fmt.Errorf("no scenario")
	}
	if o.cfg.Tablets < 1 || o.meetings < 1 || o.cfg.Conc < 1 || o.cfg.Interval <= 0 {
		return o, fmt.Errorf("-tablets, -meetings, -conc and -interval must be positive")
	}
	if o.delegates == 0 {
		o.delegates = (o.cfg.Tablets + o.meetings - 1) / o.meetings
	}
	return o, nil
}

// run is the whole command; it returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "dais-bench:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if o.selfProfile != "" {
		f, err := os.Create(o.selfProfile)
		if err != nil {
			fmt.Fprintln(stderr, "dais-bench:", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, "dais-bench:", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	rep, err := bench(ctx, o, stdout, stderr)
	if rep != nil {
		rep.writeText(stdout)
		if err := os.MkdirAll(o.out, 0o755); err == nil {
			_ = rep.writeJSON(filepath.Join(o.out, "report.json"))
			_ = rep.writeHTML(filepath.Join(o.out, "report.html"))
			fmt.Fprintf(stdout, "\nreport: %s, %s\n", filepath.Join(o.out, "report.json"), filepath.Join(o.out, "report.html"))
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "dais-bench:", err)
		return 2
	}
	if rep.failed() {
		fmt.Fprintln(stderr, "dais-bench: FAILED: correctness failures above")
		return 1
	}
	return 0
}

// bench prepares the deployment, runs the scenarios and stops everything.
func bench(ctx context.Context, o options, stdout, stderr io.Writer) (*Report, error) {
	logf := func(format string, args ...any) {
		fmt.Fprintf(stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05.000")}, args...)...)
	}
	if limit, err := raiseNoFile(); err != nil {
		logf("cannot raise the open-file limit: %v", err)
	} else if need := uint64(o.cfg.Tablets)*2 + 256; limit < need {
		logf("warning: open-file limit %d is below the %d this run needs", limit, need)
	}
	work := o.work
	if work == "" {
		var err error
		if work, err = os.MkdirTemp("", "dais-bench-"); err != nil {
			return nil, err
		}
		// nginx's workers run as an unprivileged user and must reach www/.
		if err := os.Chmod(work, 0o755); err != nil {
			return nil, err
		}
	}
	if !o.keep {
		defer os.RemoveAll(work)
	} else {
		logf("work folder: %s", work)
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return nil, err
	}
	docSize := int64(1024)
	for _, s := range o.scenarios {
		if s == "download" {
			docSize = int64(o.docMiB) << 20
		}
	}
	doc := docFile(docSize)
	spec := seedSpec{Meetings: o.meetings, Delegates: o.delegates, Doc: doc}

	d := &deployment{work: work, logf: logf}
	defer d.stop()
	mode := "embedded (bbolt, in-process NATS), 1 daisd"
	if o.redisURL == "" {
		if err := d.startEmbedded(ctx, o, spec); err != nil {
			return nil, err
		}
	} else {
		mode = fmt.Sprintf("clustered: %d daisd, Redis %s, %d-server NATS cluster", o.nodes, o.redisURL, o.nodes)
		if err := d.startClustered(ctx, o, spec); err != nil {
			return nil, err
		}
	}
	cfg := o.cfg
	for _, s := range o.scenarios {
		if s == "download" && o.nginx != "" {
			www := filepath.Join(work, "www")
			if err := os.MkdirAll(www, 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(filepath.Join(www, "doc.pdf"), doc, 0o644); err != nil {
				return nil, err
			}
			ngx, url, err := startNginx(ctx, o.nginx, filepath.Join(work, "nginx"), www, "doc.pdf")
			if err != nil {
				return nil, err
			}
			d.children = append(d.children, ngx)
			cfg.NginxURL = url
		}
	}
	target := &Target{URLs: d.urls, MetricsURLs: d.metricsURLs(), Pids: d.pids, BusPids: d.busPids, Meetings: d.seeded, Log: logf, GC: d.gc, StoredBallot: d.storedBallot, Bridge: d.bridge}
	rep := &Report{Started: time.Now(), Machine: describeMachine(), Command: "dais-bench " + strings.Join(os.Args[1:], " "), Mode: mode}
	for run := range max(o.repeat, 1) {
		for _, s := range o.scenarios {
			logf("scenario %s (run %d of %d)", s, run+1, max(o.repeat, 1))
			stopProfile := func() {}
			target.Measuring = func() { stopProfile = d.profile(ctx, o.profile, filepath.Join(o.out, s+".pprof")) }
			res, err := scenarios[s](ctx, target, cfg)
			stopProfile()
			if err != nil {
				return rep, fmt.Errorf("scenario %s: %w", s, err)
			}
			rep.Results = append(rep.Results, res)
		}
	}
	if o.repeat > 1 {
		rep.Results = append(rep.Results, pooled(rep.Results)...)
	}
	return rep, nil
}
