// Package redistest owns the Redis fixtures of Dais's tests: key prefixes
// on the shared Redis that every package's tests use (SharedAddr), removed
// with SCAN + DEL when the test ends, and redis-server processes of a test's
// own (Server) that it may kill and restart with their data.
//
// It is imported by tests only. Its functions may be called from any
// goroutine of a test; a Server's methods may be called concurrently. Every
// helper takes a testing.TB and fails that test when it cannot do its job.
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// SharedAddr is the address of the Redis every package's tests share. Tests
// touch only keys under their own prefix (see Prefix) and never its
// configuration or other keys: no FLUSHDB.
const SharedAddr = "127.0.0.1:6379"

// ServerBin is the redis-server binary Server runs.
const ServerBin = "/usr/bin/redis-server"

// Prefix returns a fresh key prefix on the shared Redis, "daistest:<random
// hex>:", that no other test uses, and registers a cleanup that deletes
// every key under it when tb ends. Cleanups run last registered first, so
// call Prefix before starting what writes under it: its keys are deleted
// after that has stopped. Prefix fails tb at once when the shared Redis does
// not answer PING within 5 s.
func Prefix(tb testing.TB) string {
	tb.Helper()
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatalf("redistest: random prefix: %v", err)
	}
	prefix := "daistest:" + hex.EncodeToString(b[:]) + ":"
	client := goredis.NewClient(&goredis.Options{Addr: SharedAddr})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := client.Ping(ctx).Err(); err != nil {
		tb.Fatalf("the Redis at %s is not reachable (these tests need it running): %v", SharedAddr, err)
	}
	tb.Cleanup(func() { DeletePrefix(tb, SharedAddr, prefix) })
	return prefix
}

// DeletePrefix deletes every key under prefix on the Redis at addr with
// SCAN + DEL (never FLUSHDB: the Redis may be shared). Glob characters in
// prefix are matched literally. It reports a failure with tb.Errorf, so it
// may run in a cleanup, and gives up after 30 s.
func DeletePrefix(tb testing.TB, addr, prefix string) {
	tb.Helper()
	client := goredis.NewClient(&goredis.Options{Addr: addr})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	keys, err := Keys(ctx, client, prefix)
	if err != nil {
		tb.Errorf("cleanup of %s*: %v", prefix, err)
		return
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := client.Del(ctx, keys[:n]...).Err(); err != nil {
			tb.Errorf("cleanup of %s*: %v", prefix, err)
			return
		}
		keys = keys[n:]
	}
}

// Keys lists the keys under prefix (SCAN with MATCH prefix*, the glob
// characters of prefix escaped), in no particular order.
func Keys(ctx context.Context, client goredis.UniversalClient, prefix string) ([]string, error) {
	var out []string
	var cursor uint64
	for {
		keys, next, err := client.Scan(ctx, cursor, escapeGlob(prefix)+"*", 1000).Result()
		if err != nil {
			return nil, err
		}
		out = append(out, keys...)
		if next == 0 {
			return out, nil
		}
		cursor = next
	}
}

// escapeGlob escapes the characters SCAN MATCH treats as patterns.
func escapeGlob(s string) string {
	var b []byte
	for _, c := range []byte(s) {
		switch c {
		case '*', '?', '[', ']', '\\':
			b = append(b, '\\')
		}
		b = append(b, c)
	}
	return string(b)
}

// Server is a redis-server process of a test's own on a loopback port, with
// its data in an append-only file (appendfsync everysec, no RDB snapshots,
// maxmemory-policy noeviction) in a temp dir of the test, so that it can be
// killed as a crash would and restarted with its data on the same port.
type Server struct {
	dir  string
	port int
	args []string // more redis-server arguments (see StartServerWith)
	mu   sync.Mutex
	cmd  *exec.Cmd // nil while stopped
}

// StartServer starts a redis-server on a free loopback port and waits until
// it answers PING; the test's cleanup kills it. It fails tb when ServerBin
// is missing or the server does not answer within 20 s.
func StartServer(tb testing.TB) *Server {
	tb.Helper()
	return StartServerWith(tb)
}

// StartServerWith is StartServer with more redis-server arguments, which
// override the defaults (e.g. "--appendfsync", "always").
func StartServerWith(tb testing.TB, args ...string) *Server {
	tb.Helper()
	if _, err := os.Stat(ServerBin); err != nil {
		tb.Fatalf("this test needs %s: %v", ServerBin, err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &Server{dir: tb.TempDir(), port: port, args: args}
	tb.Cleanup(s.Kill)
	s.Start(tb)
	return s
}

// Dir returns the server's data folder (its append-only files are in
// Dir()/appendonlydir).
func (s *Server) Dir() string { return s.dir }

// Addr returns the server's host:port.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// URL returns the server's redis:// URL (database 0).
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// Start starts the stopped server again on its port with its data, and
// waits until it answers PING, failing tb (with the server's log) after
// 20 s. It does nothing when the server is running.
func (s *Server) Start(tb testing.TB) {
	tb.Helper()
	s.mu.Lock()
	if s.cmd != nil {
		s.mu.Unlock()
		return
	}
	cmd := exec.Command(ServerBin,
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--dir", s.dir, "--logfile", filepath.Join(s.dir, "redis.log"),
		"--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
		"--maxmemory-policy", "noeviction", "--daemonize", "no")
	cmd.Args = append(cmd.Args, s.args...)
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		tb.Fatalf("starting %s: %v", ServerBin, err)
	}
	s.cmd = cmd
	s.mu.Unlock()
	client := goredis.NewClient(&goredis.Options{Addr: s.Addr(), MaxRetries: -1})
	defer client.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := client.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			tb.Fatalf("redis-server on %s did not answer within 20s: %v\n%s", s.Addr(), err, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Kill stops the server with SIGKILL, as a crash would, and waits for the
// process to exit. What it acknowledged before has reached the kernel
// (appendfsync everysec) and is there after Start. Kill on a stopped server
// does nothing.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Restart kills the server if it is running and starts it again, as Start.
func (s *Server) Restart(tb testing.TB) {
	tb.Helper()
	s.Kill()
	s.Start(tb)
}

// Sentinel is a redis-server running as a sentinel (redis-server CONF
// --sentinel) of a test's own, on a loopback port.
type Sentinel struct {
	port int
	dir  string
	cmd  *exec.Cmd
}

// Addr returns the sentinel's host:port.
func (s *Sentinel) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// StartSentinel starts a sentinel that watches the primary at primaryAddr
// under the name master: it declares it down after downAfter without an
// answer, and quorum sentinels must agree. The test's cleanup kills it.
func StartSentinel(tb testing.TB, master, primaryAddr string, quorum int, downAfter time.Duration) *Sentinel {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	host, pport, _ := net.SplitHostPort(primaryAddr)
	s := &Sentinel{port: port, dir: tb.TempDir()}
	conf := filepath.Join(s.dir, "sentinel.conf")
	body := fmt.Sprintf("port %d\nbind 127.0.0.1\ndir %s\nlogfile %s\n"+
		"sentinel monitor %s %s %s %d\nsentinel down-after-milliseconds %s %d\n"+
		"sentinel failover-timeout %s 10000\nsentinel parallel-syncs %s 1\n",
		port, s.dir, filepath.Join(s.dir, "sentinel.log"), master, host, pport, quorum, master, downAfter.Milliseconds(), master, master)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		tb.Fatal(err)
	}
	s.cmd = exec.Command(ServerBin, conf, "--sentinel")
	if err := s.cmd.Start(); err != nil {
		tb.Fatalf("starting a sentinel: %v", err)
	}
	tb.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	})
	client := goredis.NewSentinelClient(&goredis.Options{Addr: s.Addr(), MaxRetries: -1})
	defer client.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := client.Ping(ctx).Err()
		cancel()
		if err == nil {
			return s
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(s.dir, "sentinel.log"))
			tb.Fatalf("the sentinel on %s did not answer within 20s: %v\n%s", s.Addr(), err, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Log returns what the sentinel wrote to its log.
func (s *Sentinel) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "sentinel.log"))
	return string(b)
}
