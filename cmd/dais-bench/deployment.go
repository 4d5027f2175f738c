package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/realtime/bridge"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/redis"
	"github.com/dais-meeting/dais/storage/seal"
)

// deployment is what the bench started: the daisd nodes and their helpers.
// stop ends them in reverse order and removes the Redis keys it made.
type deployment struct {
	work string
	// bridge is the centre's leafnode listener (the bridge scenario).
	bridge *bridgeEnv
	logf   func(string, ...any)

	children []*child // stopped in reverse order
	nodes    []*daisdNode
	urls     []string
	pids     []int
	busPids  []int
	seeded   []Seeded
	cleanup  []func()
	// storedBallot reads the size of one sealed ballot of an open box
	// (clustered mode; nil otherwise).
	storedBallot func(ctx context.Context, meeting, poll string) (int, error)
}

func (d *deployment) stop() {
	for i := len(d.children) - 1; i >= 0; i-- {
		d.children[i].stop(10 * time.Second)
	}
	for i := len(d.cleanup) - 1; i >= 0; i-- {
		d.cleanup[i]()
	}
}

func (d *deployment) addNode(n *daisdNode) {
	d.children = append(d.children, n.child)
	d.nodes = append(d.nodes, n)
	d.urls = append(d.urls, n.URL)
	d.pids = append(d.pids, n.Pid())
}

// metricsURLs are the nodes' internal listeners that serve /metrics.
func (d *deployment) metricsURLs() []string {
	var out []string
	for _, n := range d.nodes {
		if n.InternalURL != "" {
			out = append(out, n.InternalURL)
		}
	}
	return out
}

// startEmbedded seeds a fresh bbolt data folder and starts one daisd on it.
func (d *deployment) startEmbedded(ctx context.Context, o options, spec seedSpec) error {
	data := filepath.Join(d.work, "data")
	if slices.Contains(o.scenarios, "bridge") {
		// The meetings have a room per bridge site, its delegates in it.
		spec.Sites = max(o.cfg.Sites, 1)
	}
	d.logf("seeding %d meeting(s) × %d delegates in %s", spec.Meetings, spec.Delegates, data)
	store, err := bolt.Open(data, bolt.Options{NoSync: true})
	if err != nil {
		return fmt.Errorf("opening the data folder to seed it: %w", err)
	}
	d.seeded, err = seed(ctx, store, spec)
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := writeSeeded(filepath.Join(d.work, "codes.json"), d.seeded); err != nil {
		return err
	}
	extra := o.daisdArgs
	if slices.Contains(o.scenarios, "bridge") {
		env, flags, err := newBridgeEnv(o.daisd, d.work, spec.Sites)
		if err != nil {
			return err
		}
		d.bridge, extra = env, append(slices.Clone(extra), flags...)
	}
	n, err := startDaisd(ctx, daisdOptions{Bin: o.daisd, Data: data, Name: "daisd-1", Debug: true, LogDir: d.work, Extra: extra})
	if err != nil {
		return err
	}
	d.addNode(n)
	d.logf("daisd pid %d at %s (pprof: %s/debug/pprof/, metrics: %s/metrics)", n.Pid(), n.URL, n.DebugURL, n.InternalURL)
	return nil
}

// startClustered seeds Redis under a fresh prefix, starts a nats-server
// cluster of o.nodes members on free loopback ports and o.nodes daisd nodes
// against them.
func (d *deployment) startClustered(ctx context.Context, o options, spec seedSpec) error {
	var b [4]byte
	_, _ = rand.Read(b[:])
	prefix := "daisbench-" + hex.EncodeToString(b[:]) + ":"
	d.cleanup = append(d.cleanup, func() { deleteKeys(o.redisURL, prefix, d.logf) })
	d.storedBallot = func(ctx context.Context, meeting, poll string) (int, error) {
		return sealedBallotSize(ctx, o.redisURL, prefix, meeting, poll)
	}
	keyFile := filepath.Join(d.work, "ballot.key")
	// The bridge key the nodes share (they sign what bridge sites are sent).
	bridgeKeyFile := filepath.Join(d.work, "bridge.key")
	if _, err := bridge.LoadOrCreateKey(bridgeKeyFile); err != nil {
		return err
	}
	key, err := seal.LoadOrCreateKeyFile(keyFile)
	if err != nil {
		return err
	}
	store, err := redis.Open(ctx, o.redisURL, redis.Options{Prefix: prefix, BallotKey: &key})
	if err != nil {
		return err
	}
	d.logf("seeding %d meeting(s) × %d delegates in Redis under %s", spec.Meetings, spec.Delegates, prefix)
	d.seeded, err = seed(ctx, store, spec)
	if cerr := store.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := writeSeeded(filepath.Join(d.work, "codes.json"), d.seeded); err != nil {
		return err
	}
	clientAddrs := make([]string, o.nodes)
	routeAddrs := make([]string, o.nodes)
	for i := range o.nodes {
		if clientAddrs[i], err = freeAddr(); err != nil {
			return err
		}
		if routeAddrs[i], err = freeAddr(); err != nil {
			return err
		}
	}
	var routes []string
	for _, a := range routeAddrs {
		routes = append(routes, "nats://"+a)
	}
	for i := range o.nodes {
		_, port, _ := net.SplitHostPort(clientAddrs[i])
		args := []string{"-a", "127.0.0.1", "-p", port, "-n", "bench-nats-" + strconv.Itoa(i+1),
			"--cluster_name", "daisbench", "--cluster", "nats://" + routeAddrs[i], "--routes", strings.Join(routes, ",")}
		c, err := startChild("nats-"+strconv.Itoa(i+1), o.natsServer, args, filepath.Join(d.work, "nats-"+strconv.Itoa(i+1)+".log"))
		if err != nil {
			return err
		}
		d.children = append(d.children, c)
		d.busPids = append(d.busPids, c.Pid())
		if err := waitTCP(ctx, clientAddrs[i]); err != nil {
			return fmt.Errorf("nats-server %d: %w", i+1, err)
		}
	}
	for i := range o.nodes {
		data := filepath.Join(d.work, "node-"+strconv.Itoa(i+1))
		n, err := startDaisd(ctx, daisdOptions{Bin: o.daisd, Data: data, Name: "daisd-" + strconv.Itoa(i+1), BallotKeyFile: keyFile, Extra: slices.Concat(o.daisdArgs, []string{"-bridge-key-file", bridgeKeyFile}),
			RedisURL: o.redisURL, RedisPrefix: prefix, NATSURL: "nats://" + clientAddrs[i], Debug: true, LogDir: d.work})
		if err != nil {
			return err
		}
		d.addNode(n)
		d.logf("daisd-%d pid %d at %s (NATS %s)", i+1, n.Pid(), n.URL, clientAddrs[i])
	}
	return nil
}

// gc makes every node collect garbage, through the heap profile of its
// debug server (?gc=1 runs a GC first).
func (d *deployment) gc(ctx context.Context) error {
	for _, n := range d.nodes {
		if n.DebugURL == "" {
			continue
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, n.DebugURL+"/debug/pprof/heap?gc=1", nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return nil
}

// waitTCP waits until addr accepts a connection.
func waitTCP(ctx context.Context, addr string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for {
		var dl net.Dialer
		c, err := dl.DialContext(ctx, "tcp", addr)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not accepting: %w", addr, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// sealedBallotSize reads one member of the set of sealed ballots of an
// open secret box, as storage/redis names it (sealed:{meeting}:poll, ids
// escaped), and returns its length in bytes.
func sealedBallotSize(ctx context.Context, url, prefix, meeting, poll string) (int, error) {
	opt, err := goredis.ParseURL(url)
	if err != nil {
		return 0, err
	}
	c := goredis.NewClient(opt)
	defer c.Close()
	esc := strings.NewReplacer("%", "%25", "{", "%7B", "}", "%7D", ":", "%3A").Replace
	key := prefix + "sealed:{" + esc(meeting) + "}:" + esc(poll)
	m, err := c.SRandMember(ctx, key).Result()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return len(m), nil
}

// deleteKeys removes every key under prefix.
func deleteKeys(url, prefix string, logf func(string, ...any)) {
	opt, err := goredis.ParseURL(url)
	if err != nil {
		return
	}
	c := goredis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	it := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var batch []string
	n := 0
	flush := func() {
		if len(batch) > 0 {
			n += int(c.Del(ctx, batch...).Val())
			batch = batch[:0]
		}
	}
	for it.Next(ctx) {
		if batch = append(batch, it.Val()); len(batch) == 500 {
			flush()
		}
	}
	flush()
	logf("deleted %d Redis keys under %s", n, prefix)
}

// profile fetches a CPU profile of the first node for d into path, in the
// background; the returned function waits for it. d 0 does nothing.
func (d *deployment) profile(ctx context.Context, dur time.Duration, path string) func() {
	if dur <= 0 || len(d.nodes) == 0 || d.nodes[0].DebugURL == "" {
		return func() {}
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		url := d.nodes[0].DebugURL + "/debug/pprof/profile?seconds=" + strconv.Itoa(int(dur.Seconds()))
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			d.logf("profile: %v", err)
			return
		}
		defer resp.Body.Close()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return
		}
		f, err := os.Create(path)
		if err != nil {
			d.logf("profile: %v", err)
			return
		}
		_, _ = io.Copy(f, resp.Body)
		f.Close()
		d.logf("CPU profile: %s (go tool pprof -top %s %s)", path, "bin/daisd", path)
	}()
	return wg.Wait
}
