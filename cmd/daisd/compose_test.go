package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	natsconf "github.com/nats-io/nats-server/v2/conf"
	goredis "github.com/redis/go-redis/v9"
	"gopkg.in/yaml.v3"

	"github.com/dais-meeting/dais/storage/redis/redistest"
)

// composeService is what TestComposeFile reads of a service of
// docker-compose.yml (merge keys resolved by yaml.v3).
type composeService struct {
	Image       string                    `yaml:"image"`
	Build       any                       `yaml:"build"`
	Hostname    string                    `yaml:"hostname"`
	Command     []string                  `yaml:"command"`
	Entrypoint  []string                  `yaml:"entrypoint"`
	Environment map[string]string         `yaml:"environment"`
	DependsOn   map[string]map[string]any `yaml:"depends_on"`
	Volumes     []string                  `yaml:"volumes"`
}

// arg returns the value after name in args ("" and false when absent).
func arg(args []string, name string) (string, bool) {
	i := slices.Index(args, name)
	if i < 0 || i+1 >= len(args) {
		return "", false
	}
	return args[i+1], true
}

// redisArgs are the arguments of a service that runs redis-server (its
// command, or the sentinels' entrypoint), without the program's name.
func (s composeService) redisArgs() []string {
	if len(s.Command) > 0 && s.Command[0] == "redis-server" {
		return s.Command[1:]
	}
	return nil
}

func (s composeService) sentinel() bool {
	return len(s.Entrypoint) > 0 && strings.Contains(strings.Join(s.Entrypoint, " "), "redis-server") &&
		strings.Contains(strings.Join(s.Entrypoint, " "), "--sentinel")
}

// daisdFlags returns the names of daisd's flags (from its -h) and of the
// environment variables it reads (DAIS_… in its source).
func daisdFlags(t *testing.T) (flags, env map[string]bool) {
	t.Helper()
	var help bytes.Buffer
	err := run(context.Background(), []string{"-h"}, func(string) string { return "" }, io.Discard, &help)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("daisd -h: %v", err)
	}
	flags = map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`).FindAllStringSubmatch(help.String(), -1) {
		flags[m[1]] = true
	}
	if !flags["redis-sentinel"] || !flags["redis-master"] || len(flags) < 30 {
		t.Fatalf("read %d flags from daisd -h: %v", len(flags), flags)
	}
	env = map[string]bool{}
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`"(DAIS_[A-Z0-9_]+)"`).FindAllStringSubmatch(string(b), -1) {
			env[m[1]] = true
		}
	}
	return flags, env
}

// TestComposeFile checks docker-compose.yml (no Docker engine needed)
// against what it runs: every flag and DAIS_ variable given to daisd
// exists in daisd; the sentinels daisd is pointed at are the compose's
// sentinels, on the port deploy/redis/sentinel.conf gives them, and its
// master name is the one they monitor, on the primary's service and port;
// the replicas follow that primary; -redis-wait-replicas is within the
// replicas there are; the Redis servers are configured as
// docs/storage-redis.md recommends, and a real redis-server takes their
// arguments (the primary refuses a write until a replica is connected);
// the NATS URLs name the NATS services on nats.conf's port; the load
// balancer's upstreams are the daisd services on their listen port; every
// service depended on exists and every file mounted is in the repository.
func TestComposeFile(t *testing.T) {
	flags, envNames := daisdFlags(t)
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]composeService `yaml:"services"`
		Volumes  map[string]any            `yaml:"volumes"`
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	svcs := compose.Services

	var daisds, edges, sentinels, replicas, natsSvcs []string
	primary := ""
	for _, name := range slices.Sorted(maps.Keys(svcs)) {
		s := svcs[name]
		switch {
		case (s.Image == "dais/daisd:latest" || s.Build != nil) && slices.Contains(s.Command, "-edge"):
			edges = append(edges, name)
		case s.Image == "dais/daisd:latest" || s.Build != nil:
			daisds = append(daisds, name)
		case s.sentinel():
			sentinels = append(sentinels, name)
		case s.redisArgs() != nil:
			if _, ok := arg(s.redisArgs(), "--replicaof"); ok {
				replicas = append(replicas, name)
			} else if primary != "" {
				t.Errorf("two Redis primaries: %s and %s", primary, name)
			} else {
				primary = name
			}
		case strings.HasPrefix(s.Image, "nats:"):
			natsSvcs = append(natsSvcs, name)
		}
		for dep := range s.DependsOn {
			if _, ok := svcs[dep]; !ok {
				t.Errorf("%s depends on %s, which is not a service", name, dep)
			}
		}
		for _, v := range s.Volumes {
			host, _, _ := strings.Cut(v, ":")
			switch {
			case strings.HasPrefix(host, "./deploy/secrets"):
				// made by deploy/make-secrets.sh
			case strings.HasPrefix(host, "./"):
				if _, err := os.Stat(filepath.Join("../..", host)); err != nil {
					t.Errorf("%s mounts %s: %v", name, host, err)
				}
			default:
				if _, ok := compose.Volumes[host]; !ok {
					t.Errorf("%s mounts volume %s, which is not declared", name, host)
				}
			}
		}
	}
	if len(daisds) < 2 || len(sentinels) != 3 || len(replicas) < 1 || primary == "" || len(natsSvcs) != 3 {
		t.Fatalf("services: daisd %v, sentinels %v, replicas %v, primary %q, nats %v", daisds, sentinels, replicas, primary, natsSvcs)
	}

	// deploy/redis/sentinel.conf: its port, the master's name, where it is.
	conf, err := os.ReadFile("../../deploy/redis/sentinel.conf")
	if err != nil {
		t.Fatal(err)
	}
	sentinelPort, master, monitorHost, monitorPort, quorum := "", "", "", "", 0
	sc := bufio.NewScanner(bytes.NewReader(conf))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 2 && f[0] == "port":
			sentinelPort = f[1]
		case len(f) == 6 && f[0] == "sentinel" && f[1] == "monitor":
			master, monitorHost, monitorPort = f[2], f[3], f[4]
			quorum, _ = strconv.Atoi(f[5])
		}
	}
	primaryPort := "6379"
	if p, ok := arg(svcs[primary].redisArgs(), "--port"); ok {
		primaryPort = p
	}
	if monitorHost != primary || monitorPort != primaryPort {
		t.Errorf("the sentinels monitor %s:%s, the primary is %s:%s", monitorHost, monitorPort, primary, primaryPort)
	}
	if quorum <= len(sentinels)/2 || quorum > len(sentinels) {
		t.Errorf("sentinel quorum %d of %d sentinels: want a majority", quorum, len(sentinels))
	}

	for _, name := range daisds {
		s := svcs[name]
		// daisd's own flag set parses the command (values too): -h after
		// it stops the run once everything before was accepted.
		var out bytes.Buffer
		err := run(context.Background(), append(slices.Clone(s.Command), "-h"), func(k string) string { return s.Environment[k] }, io.Discard, &out)
		if !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%s's command %q: daisd says %v\n%s", name, s.Command, err, firstLine(out.String()))
		}
		if len(s.Command) == 0 || !flags[strings.TrimLeft(s.Command[0], "-")] {
			t.Errorf("%s's command %q does not start with a daisd flag", name, s.Command)
		}
		for k := range s.Environment {
			if strings.HasPrefix(k, "DAIS_") && !envNames[k] {
				t.Errorf("%s sets %s, which daisd does not read", name, k)
			}
		}
		env := s.Environment
		if env["DAIS_NODE_NAME"] != name || s.Hostname != name {
			t.Errorf("%s: node name %q, hostname %q", name, env["DAIS_NODE_NAME"], s.Hostname)
		}
		// Sentinel: every sentinel, on its port; the master's name.
		var listed []string
		for _, hp := range strings.Split(env["DAIS_REDIS_SENTINEL"], ",") {
			host, port, err := net.SplitHostPort(hp)
			if err != nil || port != sentinelPort || !svcs[host].sentinel() {
				t.Errorf("%s: sentinel %q is not a sentinel service on port %s", name, hp, sentinelPort)
			}
			listed = append(listed, host)
		}
		if slices.Sort(listed); !slices.Equal(listed, sentinels) {
			t.Errorf("%s lists sentinels %v, the compose runs %v", name, listed, sentinels)
		}
		if env["DAIS_REDIS_MASTER"] != master || master == "" {
			t.Errorf("%s: master %q, the sentinels monitor %q", name, env["DAIS_REDIS_MASTER"], master)
		}
		if env["DAIS_REDIS_URL"] != "" {
			t.Errorf("%s: DAIS_REDIS_URL %q beside the sentinels (it would only give the password and database)", name, env["DAIS_REDIS_URL"])
		}
		w, _ := arg(s.Command, "-redis-wait-replicas")
		if n, err := strconv.Atoi(w); err != nil || n < 1 || n > len(replicas) {
			t.Errorf("%s: -redis-wait-replicas %q with %d replicas: want 1..%d", name, w, len(replicas), len(replicas))
		}
		for _, u := range strings.Split(env["DAIS_NATS_URL"], ",") {
			host, port, err := net.SplitHostPort(strings.TrimPrefix(u, "tls://"))
			if err != nil || port != "4222" || !slices.Contains(natsSvcs, host) {
				t.Errorf("%s: NATS URL %q is not a NATS service on 4222", name, u)
			}
		}
	}
	// Bridge sites' edges (docs/bridge.md): daisd takes their command and
	// environment, and they reach a NATS server of the compose on its
	// leafnode port.
	for _, name := range edges {
		s := svcs[name]
		var out bytes.Buffer
		err := run(context.Background(), append(slices.Clone(s.Command), "-h"), func(k string) string { return s.Environment[k] }, io.Discard, &out)
		if !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%s's command %q: daisd says %v\n%s", name, s.Command, err, firstLine(out.String()))
		}
		for k := range s.Environment {
			if strings.HasPrefix(k, "DAIS_") && !envNames[k] {
				t.Errorf("%s sets %s, which daisd does not read", name, k)
			}
		}
		if s.Environment["DAIS_NODE_NAME"] != name || s.Hostname != name {
			t.Errorf("%s: node name %q, hostname %q", name, s.Environment["DAIS_NODE_NAME"], s.Hostname)
		}
		if s.Environment["DAIS_REDIS_SENTINEL"] != "" || s.Environment["DAIS_NATS_URL"] != "" {
			t.Errorf("%s: an edge with Redis or a NATS URL (it refuses them)", name)
		}
		remotes, _ := arg(s.Command, "-edge-remote")
		for _, u := range strings.Split(remotes, ",") {
			host, port, err := net.SplitHostPort(strings.TrimPrefix(u, "tls://"))
			if err != nil || port != "7422" || !slices.Contains(natsSvcs, host) || !strings.HasPrefix(u, "tls://") {
				t.Errorf("%s: leaf remote %q is not a NATS service's TLS leafnode port 7422", name, u)
			}
		}
	}
	// Each edge logs in as its site's own leaf user, held to its site's
	// subjects, and the leafnode listener has no shared user.
	t.Setenv("DAIS_NATS_PASSWORD", "x")
	t.Setenv("DAIS_LEAF_PASSWORD", "y")
	t.Setenv("SERVER_NAME", "nats1")
	t.Setenv("ROUTES", `["nats-route://nats2:6222"]`)
	natsCfg, err := natsconf.ParseFile("../../deploy/nats/nats.conf")
	if err != nil {
		t.Fatalf("deploy/nats/nats.conf: %v", err)
	}
	if leaf, _ := natsCfg["leafnodes"].(map[string]any); leaf == nil || leaf["authorization"] != nil {
		t.Errorf("deploy/nats/nats.conf: leafnodes %v: want no authorization of its own (leaf connections log in as the sites' users)", leaf)
	}
	natsUsers := map[string]map[string]any{}
	if auth, _ := natsCfg["authorization"].(map[string]any); auth != nil {
		users, _ := auth["users"].([]any)
		for _, u := range users {
			if m, ok := u.(map[string]any); ok {
				name, _ := m["user"].(string)
				natsUsers[name] = m
			}
		}
	}
	for _, name := range edges {
		env := svcs[name].Environment
		u := natsUsers[env["DAIS_EDGE_USER"]]
		want := fmt.Sprintf("map[permissions:map[publish:map[allow:[dais.site.%[1]s.>]] subscribe:map[allow:[dais.site.%[1]s.>]]]]", env["DAIS_NODE_NAME"])
		if u == nil || fmt.Sprint(map[string]any{"permissions": u["permissions"]}) != want || fmt.Sprint(u["allowed_connection_types"]) != "[LEAFNODE]" {
			t.Errorf("%s logs in as %q, whose NATS user is %v: want leaf connections only, with %s", name, env["DAIS_EDGE_USER"], u, want)
		}
	}
	if nc, err := os.ReadFile("../../deploy/nats/nats.conf"); err != nil || !regexp.MustCompile(`(?m)^  listen: 0\.0\.0\.0:7422$`).Match(nc) {
		t.Errorf("deploy/nats/nats.conf takes no leaf connections on 7422 (%v)", err)
	}
	// The NATS servers listen where daisd looks.
	if nc, err := os.ReadFile("../../deploy/nats/nats.conf"); err != nil || !regexp.MustCompile(`(?m)^listen: 0\.0\.0\.0:4222$`).Match(nc) {
		t.Errorf("deploy/nats/nats.conf does not listen on 4222 (%v)", err)
	}
	// The load balancer's upstreams are the daisd services on their port.
	ngx, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	_, listenPort, _ := net.SplitHostPort(svcs[daisds[0]].Environment["DAIS_LISTEN"])
	var upstreams []string
	for _, m := range regexp.MustCompile(`(?m)^\s*server ([a-z0-9-]+):(\d+)`).FindAllStringSubmatch(string(ngx), -1) {
		if m[2] != listenPort {
			t.Errorf("nginx sends to %s:%s, daisd listens on %s", m[1], m[2], listenPort)
		}
		upstreams = append(upstreams, m[1])
	}
	if slices.Sort(upstreams); !slices.Equal(upstreams, daisds) {
		t.Errorf("nginx's upstreams %v, the daisd services %v", upstreams, daisds)
	}

	// The Redis servers: as docs/storage-redis.md recommends, and the
	// replicas follow the primary.
	for _, name := range append([]string{primary}, replicas...) {
		a := svcs[name].redisArgs()
		for opt, want := range map[string]string{"--appendonly": "yes", "--appendfsync": "always", "--maxmemory-policy": "noeviction", "--min-replicas-to-write": "1"} {
			if got, _ := arg(a, opt); got != want {
				t.Errorf("%s: %s %q, want %q", name, opt, got, want)
			}
		}
		if name == primary {
			continue
		}
		of := a[slices.Index(a, "--replicaof")+1:]
		if len(of) < 2 || of[0] != primary || of[1] != primaryPort {
			t.Errorf("%s replicates %v, the primary is %s %s", name, of, primary, primaryPort)
		}
	}

	// A real redis-server takes the primary's and a replica's arguments:
	// the primary refuses writes until a replica is connected
	// (min-replicas-to-write), then takes them.
	local := func(a []string) []string {
		var out []string
		for i := 0; i < len(a); i++ {
			switch a[i] {
			case "--replicaof":
				i += 2
			case "--replica-announce-ip":
				i++
			default:
				out = append(out, a[i])
			}
		}
		return out
	}
	prim := redistest.StartServerWith(t, local(svcs[primary].redisArgs())...)
	pc := goredis.NewClient(&goredis.Options{Addr: prim.Addr()})
	defer pc.Close()
	ctx := timeoutCtx(t, 30*time.Second)
	for opt, want := range map[string]string{"appendfsync": "always", "min-replicas-to-write": "1", "maxmemory-policy": "noeviction"} {
		if got, err := pc.ConfigGet(ctx, opt).Result(); err != nil || got[opt] != want {
			t.Errorf("the primary's %s: %v, %v; want %s", opt, got, err, want)
		}
	}
	if err := pc.Set(ctx, "compose-test", "1", 0).Err(); err == nil || !strings.Contains(err.Error(), "NOREPLICAS") {
		t.Errorf("a write to the primary without a replica: %v, want NOREPLICAS", err)
	}
	host, port, _ := net.SplitHostPort(prim.Addr())
	redistest.StartServerWith(t, append(local(svcs[replicas[0]].redisArgs()), "--replicaof", host, port)...)
	eventually(t, 20*time.Second, "a write once the replica is connected", func() error {
		return pc.Set(ctx, "compose-test", "1", 0).Err()
	})
}

func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
