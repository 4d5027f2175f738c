package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/meeting/pdf"
	"github.com/dais-meeting/dais/realtime/natsbus/natstest"
	"github.com/dais-meeting/dais/storage/redis"
	"github.com/dais-meeting/dais/storage/redis/redistest"
	"github.com/dais-meeting/dais/storage/seal"
)

// oldBuildCommit is the build the rolling upgrade starts from: 9062c03, the
// build that wrote the golden log (meeting/service/testdata/golden), before
// the event formats ("v", 47f47ca) and everything after them.
const oldBuildCommit = "9062c033b3c183c65c57976c05214fe9eda9dab7"

// oldDaisd returns the daisd of oldBuildCommit, built from this
// repository's own git history (git archive, go build with the module
// cache) and kept in the user's cache folder under the commit, so that
// only the first run pays for the build. A tree without that history
// fails the test with the reason: CI runs on a full clone.
func oldDaisd(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatalf("the rolling upgrade test builds daisd from commit %.7s of this repository's git history, "+
			"and this tree is not a git clone (a tarball?): run it in a clone (%v)", oldBuildCommit, err)
	}
	root := strings.TrimSpace(string(out))
	if err := exec.Command("git", "-C", root, "cat-file", "-e", oldBuildCommit+"^{commit}").Run(); err != nil {
		t.Fatalf("commit %.7s is not in this clone's history (a shallow clone? git fetch --unshallow): %v", oldBuildCommit, err)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "dais-upgrade-test", oldBuildCommit[:12]+"-"+runtime.GOOS+"-"+runtime.GOARCH)
	bin := filepath.Join(dir, "daisd")
	if fi, err := os.Stat(bin); err == nil && fi.Mode().IsRegular() {
		return bin
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	archive := exec.Command("git", "-C", root, "archive", "--format=tar", oldBuildCommit)
	extract := exec.Command("tar", "-x", "-C", src)
	var errs, errs2 bytes.Buffer
	archive.Stderr, extract.Stderr = &errs, &errs2
	if extract.Stdin, err = archive.StdoutPipe(); err != nil {
		t.Fatal(err)
	}
	if err := extract.Start(); err != nil {
		t.Fatal(err)
	}
	if err := archive.Run(); err != nil {
		t.Fatalf("git archive %.7s: %v\n%s", oldBuildCommit, err, errs.String())
	}
	if err := extract.Wait(); err != nil {
		t.Fatalf("extracting %.7s: %v\n%s", oldBuildCommit, err, errs2.String())
	}
	// The old tree embeds clients/web/dist (it holds robots.txt, enough to
	// build); the web client is not what this test is about.
	tmp := filepath.Join(dir, fmt.Sprintf(".daisd.%d", os.Getpid()))
	start := time.Now()
	build := exec.Command(goBinary(), "build", "-o", tmp, "./cmd/daisd")
	build.Dir = src
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building daisd %.7s: %v\n%s", oldBuildCommit, err, b)
	}
	if err := os.Rename(tmp, bin); err != nil {
		t.Fatal(err)
	}
	t.Logf("built daisd %.7s in %s, kept in %s", oldBuildCommit, time.Since(start).Round(time.Second), bin)
	return bin
}

// goBinary is the go command of the toolchain running the test.
func goBinary() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); runtime.GOROOT() != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "go"
}

// process is a daisd of another build, run as a process of the test's own.
type process struct {
	name string
	url  string
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan struct{} // closed when it exited
	err  error         // its exit, once done
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startProcess runs bin on a free loopback port over a data folder of its
// own, waits until it is ready, and kills it at the end of the test (its
// output is logged when the test failed).
func startProcess(t *testing.T, bin, name string, env []string, args ...string) *process {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p := &process{name: name, url: "http://" + addr, out: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, slices.Concat([]string{"-listen", addr, "-data", t.TempDir(), "-name", name,
		"-log-level", "warn", "-drain-timeout", "10s"}, args)...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s's output:\n%s", name, p.out.String())
		}
	})
	eventually(t, 30*time.Second, name+" ready", func() error {
		select {
		case <-p.done:
			t.Fatalf("%s exited: %v\n%s", name, p.err, p.out.String())
		default:
		}
		resp, err := http.Get(p.url + "/readyz")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("readyz %s", resp.Status)
		}
		return nil
	})
	return p
}

// drain stops the process as an operator does (SIGTERM: it tells its
// tablets to move, closes them and exits) and waits for it to exit.
func (p *process) drain(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Fatalf("%s exited with %v after SIGTERM\n%s", p.name, p.err, p.out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("%s still running 30 s after SIGTERM", p.name)
	}
}

// TestRollingUpgrade runs a meeting on a two-node cluster of the old build
// (oldBuildCommit, processes; the shared Redis under a prefix of its own,
// an in-process NATS) with 21 tablets, turns pages and opens a poll; then
// replaces node 1 by this build (the old node drains: its tablets are
// told to move and resume on node 2 by seq), then node 2 (its tablets
// resume on the new nodes). Every tablet stays in the meeting, resuming
// without a snapshot each time; no tablet misses an event or gets one
// twice across its connections; the poll opened on the old build and
// closed on the new one counts every acknowledged ballot exactly once; and
// the new build reads the log the old one wrote (its nodes serve it, and
// its audit chain verifies, links written by both builds).
func TestRollingUpgrade(t *testing.T) {
	bin := oldDaisd(t)
	const mid = "upgrade-2026"
	prefix := redistest.Prefix(t) // registered first: its keys go after the nodes stop
	natsc := natstest.StartCluster(t, 1, natsMaxPayload)
	redisURL := "redis://" + redistest.SharedAddr + "/0"
	// The key startClusterNode gives this prefix's nodes, and its bus key.
	key := seal.Key(sha256.Sum256([]byte("test ballot key " + prefix)))
	busKey := filepath.Join(t.TempDir(), "bus.key")
	if err := os.WriteFile(busKey, clusterBusKey, 0o600); err != nil {
		t.Fatal(err)
	}
	common := []string{"-redis-url", redisURL, "-redis-prefix", prefix, "-nats-url", strings.Join(natsc.URLs(), ","), "-bus-key-file", busKey}
	// (The old build ignores DAIS_BRIDGE_KEY; the new one needs it.)
	env := []string{"DAIS_BALLOT_KEY=" + key.String(), "DAIS_BRIDGE_KEY=" + hex.EncodeToString(testBridgeKey.Seed())}
	const adminToken = "the rolling upgrade test's admin token"
	old1 := startProcess(t, bin, "old1", env, slices.Concat(common, []string{"-admin-token", adminToken})...)
	old2 := startProcess(t, bin, "old2", env, common...)
	ctx := timeoutCtx(t, 3*time.Minute)

	// The secretary prepares the meeting on the old build, over its API.
	var created struct{ Meeting, Participant, Code string }
	err := (&daisclient.API{Base: old1.url, Token: adminToken}).CreateMeeting(ctx, map[string]any{
		"id": mid, "title": "Kỳ họp thứ 12 Hội đồng nhân dân tỉnh", "place": "Hội trường tỉnh",
		"starts_at": time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC),
		"rooms":     []meeting.Room{{ID: "main", Name: "Hội trường chính", Main: true}},
		"secretary": meeting.Participant{ID: "sec", Name: "Phạm Thị Kim Oanh", Role: meeting.RoleSecretary, Room: "main"},
	}, &created)
	if err != nil {
		t.Fatalf("creating the meeting on the old build: %v", err)
	}
	secSess, err := daisclient.Join(ctx, old1.url, created.Code)
	if err != nil {
		t.Fatal(err)
	}
	sec := newDevice(t, "sec", meeting.RoleSecretary, mid, secSess.Token)
	sec.dialURL(t, old1.url, 0)
	chairP := meeting.Participant{ID: "chair", Name: "Lê Trường Lưu", Role: meeting.RoleChair, Room: "main"}
	sec.do(t, meeting.AddParticipant{Participant: chairP})
	const delegates = 19
	for i := range delegates {
		sec.do(t, meeting.AddParticipant{Participant: meeting.Participant{ID: delegateID(i), Name: fmt.Sprintf("Đại biểu số %d", i+1), Role: meeting.RoleDelegate, Room: "main"}})
	}
	engine, err := pdf.New(pdf.Config{FontDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var pdfBuf bytes.Buffer
	err = engine.Generate(ctx, &pdfBuf, "Báo cáo kinh tế - xã hội 2026", 6, nil)
	engine.Close()
	if err != nil {
		t.Fatal(err)
	}
	raw := pdfBuf.Bytes()
	secAPI := &daisclient.API{Base: old1.url, Token: secSess.Token}
	var doc meeting.Document
	if err := secAPI.Upload(ctx, url.Values{"title": {"Báo cáo kinh tế - xã hội 2026"}}, bytes.NewReader(raw), int64(len(raw)), &doc); err != nil {
		t.Fatalf("uploading to the old build: %v", err)
	}
	if doc.ID == "" || doc.Pages < 4 {
		t.Fatalf("uploaded %+v", doc)
	}
	sec.do(t, meeting.CreatePoll{Poll: meeting.Poll{ID: "v1", Question: "Thông qua nghị quyết về kế hoạch năm 2027",
		Rule: meeting.Rule{Base: meeting.BaseCast, Threshold: meeting.Simple}}})
	sec.do(t, meeting.Publish{})
	invs, err := secAPI.Invite(ctx, []string{})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{}
	for _, inv := range invs {
		codes[inv.Participant] = inv.Code
	}

	// 20 tablets, the chair's and the delegates', on both old nodes.
	devices := []*device{sec}
	voters := []*device{}
	urls := []string{old1.url, old2.url}
	for i, id := range append([]string{"chair"}, delegateIDs(delegates)...) {
		role := meeting.RoleDelegate
		if id == "chair" {
			role = meeting.RoleChair
		}
		sess, err := daisclient.Join(ctx, urls[i%2], codes[id])
		if err != nil {
			t.Fatalf("%s: join on the old build: %v", id, err)
		}
		d := newDevice(t, id, role, mid, sess.Token)
		d.dialURL(t, urls[i%2], i%2)
		devices, voters = append(devices, d), append(voters, d)
	}
	chair := voters[0]
	chair.do(t, meeting.OpenSession{})
	parallel(t, voters[1:], func(_ int, d *device) error {
		_, err := d.try(meeting.CheckIn{})
		return err
	})
	chair.do(t, meeting.ShowDocument{Document: doc.ID, Page: 1})
	chair.do(t, meeting.TurnPage{Page: 2})
	chair.do(t, meeting.OpenPoll{Poll: "v1"})

	// Ballots in three waves: on the old build, on a mixed cluster, on the
	// new build. Each acknowledged ballot is kept.
	var (
		ackMu sync.Mutex
		acked = map[string]string{}
	)
	vote := func(wave int) {
		t.Helper()
		var these []*device
		for i, d := range voters {
			if i%3 == wave {
				these = append(these, d)
			}
		}
		parallel(t, these, func(i int, d *device) error {
			choice := []string{"for", "against", "abstain", "for"}[i%4]
			if _, err := d.try(meeting.CastBallot{Poll: "v1", Choice: choice, BallotID: "b-" + d.id}); err != nil {
				return err
			}
			ackMu.Lock()
			acked[d.id] = choice
			ackMu.Unlock()
			return nil
		})
	}
	vote(0)

	// move sends the tablets of node from to the node at url (index to):
	// each was told to move, and resumes from its last seq, no snapshot.
	move := func(from int, old *process, targets map[int]string) {
		t.Helper()
		var moving []*device
		for _, d := range devices {
			if d.node == from {
				moving = append(moving, d)
			}
		}
		old.drain(t)
		to := slices.Sorted(maps.Keys(targets))
		for i, d := range moving {
			c := d.client()
			select {
			case <-c.Done():
			case <-time.After(15 * time.Second):
				t.Fatalf("%s: still connected to %s after it drained", d.id, old.name)
			}
			if c.Moved() == nil {
				t.Fatalf("%s: %s closed it without a move (%v)", d.id, old.name, c.Err())
			}
			n := to[i%len(to)]
			d.dialURL(t, targets[n], n)
			if w := d.client().Welcome(); w.Snapshot != nil {
				t.Fatalf("%s: resumed on node %d with a snapshot, not by seq", d.id, n)
			}
		}
		t.Logf("%d tablets moved off %s, each resumed by seq", len(moving), old.name)
	}

	// Node 1: old1 drains, its tablets resume on old2; the new build
	// takes node 1's place.
	move(0, old1, map[int]string{1: old2.url})
	new1 := startClusterNode(t, "new1", redisURL, prefix, natsc.URLs())
	// A tablet whose Wi-Fi blinked comes back through the new node: the
	// chair on the new build, everyone else on the old one.
	chair.client().Drop()
	chair.dialURL(t, baseURL(new1), 2)
	if chair.client().Welcome().Snapshot != nil {
		t.Fatal("the chair resumed on the new build with a snapshot")
	}
	chair.do(t, meeting.TurnPage{Page: 3})
	vote(1)

	// Node 2: the new build joins, old2 drains, its tablets resume on the
	// new nodes.
	new2 := startClusterNode(t, "new2", redisURL, prefix, natsc.URLs())
	move(1, old2, map[int]string{2: baseURL(new1), 3: baseURL(new2)})
	chair.do(t, meeting.TurnPage{Page: 4})
	vote(2)
	closed := chair.do(t, meeting.ClosePoll{Poll: "v1"})

	log := settle(t, new1, mid, devices)
	if got := ballotsIn(t, log, "v1"); len(got) != len(acked) {
		t.Fatalf("the log holds %d ballots, %d were acknowledged", len(got), len(acked))
	}
	want := map[string]int{"for": 0, "against": 0, "abstain": 0}
	for _, c := range acked {
		want[c]++
	}
	pc, ok := log[closed-1].Data.(meeting.PollClosed)
	if !ok {
		t.Fatalf("event %d is %T, not the close", closed, log[closed-1].Data)
	}
	if fmt.Sprint(pc.Result.Counts) != fmt.Sprint(want) || len(pc.Voters) != len(acked) {
		t.Fatalf("the poll counted %v from %d voters; %d acknowledged ballots say %v", pc.Result.Counts, len(pc.Voters), len(acked), want)
	}
	for _, n := range []*node{new1, new2} {
		st, err := n.svc.State(ctx, mid)
		if err != nil {
			t.Fatal(err)
		}
		if st.Version != uint64(len(log)) || st.Polls["v1"].Status != meeting.PollDone || len(st.Participants) != delegates+2 {
			t.Fatalf("%s reads version %d, poll %s, %d participants", n.cfg.Name, st.Version, st.Polls["v1"].Status, len(st.Participants))
		}
	}
	store, err := redis.Open(ctx, redisURL, redis.Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	rep, err := audit.Verify(ctx, store, mid)
	if err != nil || !rep.OK() || rep.Records != uint64(len(log)) || rep.Unchained != 0 {
		t.Fatalf("the record after the upgrade: %+v, %v", rep, err)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatal("the test ran out of its time")
	}
}

func delegateIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = delegateID(i)
	}
	return out
}
