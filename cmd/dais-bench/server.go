package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// child is a server process the bench started and must stop: daisd, nginx
// or nats-server. Its output goes to a log file in the run's folder.
type child struct {
	name string
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{} // closed when the process has exited
	err  error         // Wait's error, valid after done
}

// startChild starts bin with args, its output in logPath.
func startChild(name, bin string, args []string, logPath string) (*child, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	// Its own process group, so that a Ctrl-C on the bench reaches the
	// bench first and the bench stops its children in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, log: f, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		f.Close()
		close(c.done)
	}()
	return c, nil
}

// Pid is the child's process id.
func (c *child) Pid() int { return c.cmd.Process.Pid }

// stop sends SIGTERM, waits up to grace, then kills; it waits for the
// process to end. It may be called more than once.
func (c *child) stop(grace time.Duration) {
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(grace):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// exited reports whether the child has ended, with why.
func (c *child) exited() (bool, error) {
	select {
	case <-c.done:
		return true, c.err
	default:
		return false, nil
	}
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr, nil
}

// waitHTTP polls url until it answers 200, the child exits, or ctx ends.
func waitHTTP(ctx context.Context, c *child, url string) error {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if done, err := c.exited(); done {
			return fmt.Errorf("%s exited before it was ready (%v); see %s", c.name, err, c.log.Name())
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready at %s: %w", c.name, url, ctx.Err())
		case <-t.C:
		}
	}
}

// daisdOptions says how to start one daisd node.
type daisdOptions struct {
	Bin, Data             string
	RedisURL, RedisPrefix string
	// BallotKeyFile is the ballot key the nodes of a cluster share.
	BallotKeyFile string
	NATSURL       string
	Name          string
	// Debug serves pprof on a free loopback port.
	Debug  bool
	LogDir string
	// Extra are more flags, after the bench's own.
	Extra []string
}

// daisdNode is a running daisd child.
type daisdNode struct {
	*child
	URL      string // http://127.0.0.1:port
	DebugURL string // http://127.0.0.1:port of /debug/pprof, or ""
	// InternalURL is the node's internal listener (/metrics), or "".
	InternalURL string
}

// startDaisd starts a daisd node on a free loopback port and waits until
// /readyz answers.
func startDaisd(ctx context.Context, o daisdOptions) (*daisdNode, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	n := &daisdNode{URL: "http://" + addr}
	// Every simulated tablet comes from loopback: no cap per address.
	args := []string{"-listen", addr, "-data", o.Data, "-log-level", "warn", "-name", o.Name, "-max-conns-per-addr", "-1"}
	if o.RedisURL != "" {
		args = append(args, "-redis-url", o.RedisURL, "-redis-prefix", o.RedisPrefix)
	}
	if o.BallotKeyFile != "" {
		args = append(args, "-ballot-key-file", o.BallotKeyFile)
	}
	if o.NATSURL != "" {
		args = append(args, "-nats-url", o.NATSURL)
	}
	if o.Debug {
		dbg, err := freeAddr()
		if err != nil {
			return nil, err
		}
		args = append(args, "-debug-listen", dbg)
		n.DebugURL = "http://" + dbg
		internal, err := freeAddr()
		if err != nil {
			return nil, err
		}
		args = append(args, "-internal-listen", internal)
		n.InternalURL = "http://" + internal
	}
	args = append(args, o.Extra...)
	if n.child, err = startChild(o.Name, o.Bin, args, filepath.Join(o.LogDir, o.Name+".log")); err != nil {
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := waitHTTP(rctx, n.child, n.URL+"/readyz"); err != nil {
		n.stop(2 * time.Second)
		return nil, err
	}
	return n, nil
}

// procStat is what /proc says about a process: CPU time and resident memory.
type procStat struct {
	CPU     time.Duration // user + system
	RSS     int64         // VmRSS, bytes
	RSSAnon int64         // RssAnon, bytes: the heap and stacks, without mapped files (bbolt's mmap)
}

// kibPer is the growth from before to after, in KiB per one of n
// (connections).
func kibPer(after, before int64, n int) float64 {
	return float64(after-before) / float64(n) / 1024
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times; 100 on Linux
// for every architecture Go supports.
const clockTicks = 100

// readProc reads /proc/<pid>/stat and /proc/<pid>/status.
func readProc(pid int) (procStat, error) {
	var ps procStat
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return ps, err
	}
	// The command name is in parentheses and may hold spaces: split after
	// the last ')'.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return ps, errors.New("malformed /proc stat")
	}
	fields := strings.Fields(string(data[i+1:]))
	// fields[0] is field 3 (state); utime is field 14, stime field 15.
	if len(fields) < 13 {
		return ps, errors.New("short /proc stat")
	}
	ut, err1 := strconv.ParseInt(fields[11], 10, 64)
	st, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return ps, fmt.Errorf("parsing /proc stat: %w", err)
	}
	ps.CPU = time.Duration(ut+st) * time.Second / clockTicks
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return ps, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		for key, dst := range map[string]*int64{"VmRSS:": &ps.RSS, "RssAnon:": &ps.RSSAnon} {
			if rest, ok := strings.CutPrefix(line, key); ok {
				kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
				if err != nil {
					return ps, fmt.Errorf("parsing %s %q: %w", key, rest, err)
				}
				*dst = kb * 1024
			}
		}
	}
	return ps, sc.Err()
}

// readProcs sums readProc over pids; an empty list gives zero.
func readProcs(pids []int) (procStat, error) {
	var sum procStat
	for _, pid := range pids {
		ps, err := readProc(pid)
		if err != nil {
			return sum, err
		}
		sum.CPU += ps.CPU
		sum.RSS += ps.RSS
		sum.RSSAnon += ps.RSSAnon
	}
	return sum, nil
}

// raiseNoFile raises this process's open-file limit to its hard limit;
// children inherit it.
func raiseNoFile() (uint64, error) {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, err
	}
	rl.Cur = rl.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0, err
	}
	return rl.Cur, nil
}

// startNginx serves dir on a free loopback port with a config of its own in
// work (no daemon, no access log, sendfile on) and waits until file answers.
func startNginx(ctx context.Context, bin, work, dir, file string) (*child, string, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	for _, d := range []string{"logs", "tmp"} {
		if err := os.MkdirAll(filepath.Join(work, d), 0o755); err != nil {
			return nil, "", err
		}
	}
	conf := fmt.Sprintf(`daemon off;
worker_processes 2;
pid %[1]s/nginx.pid;
error_log %[1]s/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path %[1]s/tmp;
  proxy_temp_path %[1]s/tmp;
  fastcgi_temp_path %[1]s/tmp;
  uwsgi_temp_path %[1]s/tmp;
  scgi_temp_path %[1]s/tmp;
  types { application/pdf pdf; }
  server {
    listen %[2]s;
    root %[3]s;
  }
}
`, work, addr, dir)
	confPath := filepath.Join(work, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		return nil, "", err
	}
	c, err := startChild("nginx", bin, []string{"-p", work, "-c", confPath, "-e", filepath.Join(work, "logs", "error.log")}, filepath.Join(work, "nginx.out"))
	if err != nil {
		return nil, "", err
	}
	base := "http://" + addr
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := waitHTTP(rctx, c, base+"/"+file); err != nil {
		c.stop(2 * time.Second)
		return nil, "", err
	}
	return c, base, nil
}
