package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/archive"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/realtime/protocol"
	"github.com/dais-meeting/dais/storage/backup"
	"github.com/dais-meeting/dais/storage/bolt"
)

// testMeeting is the id of the meeting the end-to-end tests run
// (meetingtest.SmallMeeting).
const testMeeting = "e2e-meeting"

// mustStartNode starts a node on a random port over dir and stops it at the
// end of the test.
func mustStartNode(tb testing.TB, dir string) *node {
	tb.Helper()
	n, err := startNode(context.Background(), config{
		Listen: "127.0.0.1:0", Data: dir, Name: "test", InternalListen: "127.0.0.1:0",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		tb.Fatalf("starting the node: %v", err)
	}
	tb.Cleanup(func() { _ = n.shutdown(context.Background()) })
	return n
}

func baseURL(n *node) string { return "http://" + n.Addr() }

// seedTestMeeting prepares the meeting as a secretary would and returns an
// invitation code per participant id.
func seedTestMeeting(tb testing.TB, n *node) map[string]string {
	tb.Helper()
	ctx := context.Background()
	cmds := meetingtest.SmallMeeting(testMeeting)
	for _, c := range cmds {
		if _, err := n.svc.Execute(ctx, testMeeting, meetingtest.Secretary, c); err != nil {
			tb.Fatalf("seeding: %s: %v", c.CommandName(), err)
		}
	}
	codes := map[string]string{}
	for _, p := range []string{"chair", "d1", "d2", "d3"} {
		code, err := n.acc.Invite(ctx, testMeeting, p)
		if err != nil {
			tb.Fatalf("inviting %s: %v", p, err)
		}
		codes[p] = code
	}
	return codes
}

// tablet is a connected participant.
type tablet struct {
	id    string
	token string
	c     *daisclient.Client
}

func connect(tb testing.TB, n *node, id, token string, lastSeq uint64) *tablet {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := daisclient.Dial(ctx, baseURL(n), token, daisclient.Options{LastSeq: lastSeq, KeepState: lastSeq == 0})
	if err != nil {
		tb.Fatalf("%s: dial: %v", id, err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	return &tablet{id: id, token: token, c: c}
}

func join(tb testing.TB, n *node, id, code string) *tablet {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sess, err := daisclient.Join(ctx, baseURL(n), code)
	if err != nil {
		tb.Fatalf("%s: join: %v", id, err)
	}
	if sess.Participant != id || sess.Meeting != testMeeting {
		tb.Fatalf("%s: joined as %+v", id, sess)
	}
	return connect(tb, n, id, sess.Token, 0)
}

func (tl *tablet) do(tb testing.TB, cmd meeting.Command) uint64 {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	seq, err := tl.c.Do(ctx, cmd)
	if err != nil {
		tb.Fatalf("%s: %s: %v", tl.id, cmd.CommandName(), err)
	}
	return seq
}

// next returns the tablet's next event, failing the test after a deadline.
func (tl *tablet) next(tb testing.TB) meeting.Event {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r, err := tl.c.Next(ctx)
	if err != nil {
		tb.Fatalf("%s: waiting for an event: %v", tl.id, err)
	}
	return r.Event
}

// expect takes the tablet's next events and checks they are exactly want
// (compared as JSON of the event data), with increasing seqs.
func (tl *tablet) expect(tb testing.TB, want ...meeting.EventData) []meeting.Event {
	tb.Helper()
	var got []meeting.Event
	for i, w := range want {
		ev := tl.next(tb)
		if len(got) > 0 && ev.Seq <= got[len(got)-1].Seq {
			tb.Fatalf("%s: event %d has seq %d after %d", tl.id, i, ev.Seq, got[len(got)-1].Seq)
		}
		if !sameData(ev.Data, w) {
			tb.Fatalf("%s: event %d: got %s %s, want %s %s", tl.id, i, ev.Type(), mustJSON(ev.Data), w.EventType(), mustJSON(w))
		}
		got = append(got, ev)
	}
	return got
}

func sameData(a, b meeting.EventData) bool {
	return a.EventType() == b.EventType() && mustJSON(a) == mustJSON(b)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestEndToEnd is the scenario of the foundation: a chair and three
// delegates run a meeting over real WebSockets against a real node.
func TestEndToEnd(t *testing.T) {
	dir := t.TempDir()
	n := mustStartNode(t, dir)
	codes := seedTestMeeting(t, n)

	outer := t
	chair := join(t, n, "chair", codes["chair"])
	delegates := []*tablet{join(t, n, "d1", codes["d1"]), join(t, n, "d2", codes["d2"]), join(t, n, "d3", codes["d3"])}
	everyone := append([]*tablet{chair}, delegates...)

	// An invitation works once.
	if _, err := daisclient.Join(context.Background(), baseURL(n), codes["d1"]); meeting.ErrorCode(err) != meeting.Unauthorized {
		t.Fatalf("second use of an invitation: got %v, want unauthorized", err)
	}
	for _, tl := range everyone {
		if w := tl.c.Welcome(); w.Participant != tl.id || w.Meeting != testMeeting {
			t.Fatalf("%s: welcome %+v", tl.id, w)
		}
		if st := tl.c.State(); st == nil || st.Status != meeting.StatusPublished {
			t.Fatalf("%s: snapshot %+v", tl.id, st)
		}
	}

	// The session opens (the chair is checked in with it); the delegates check in.
	chair.do(t, meeting.OpenSession{})
	for _, d := range delegates {
		d.do(t, meeting.CheckIn{})
	}
	chair.expect(t, meeting.SessionOpened{}, meeting.CheckedIn{Participant: "chair"}, // opening checks the chair in
		meeting.CheckedIn{Participant: "d1"}, meeting.CheckedIn{Participant: "d2"}, meeting.CheckedIn{Participant: "d3"})
	for _, d := range delegates {
		// A delegate gets their own check-in as an event, the others'
		// as attendance counts.
		d.expect(t, meeting.SessionOpened{}, meeting.CheckedIn{Participant: d.id})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := d.c.WaitFor(ctx, func(v daisclient.View) bool {
			return v.Attendance != nil && v.Attendance.Total.Present == 4 && v.State.Lean != nil && v.State.Lean.Total.Present == 4
		})
		cancel()
		if err != nil {
			t.Fatalf("%s: attendance never showed 4 present: %v", d.id, err)
		}
	}

	t.Run("presentation reaches every delegate in order", func(t *testing.T) {
		chair.do(t, meeting.SetCurrentItem{Item: "i2"})
		chair.do(t, meeting.ShowDocument{Document: "doc1", Page: 1})
		chair.do(t, meeting.TurnPage{Page: 5})
		for _, tl := range everyone {
			tl.expect(t, meeting.CurrentItemSet{Item: "i2"}, meeting.DocumentShown{Document: "doc1", Page: 1}, meeting.PageTurned{Document: "doc1", Page: 5})
			if p := tl.c.State().Presentation; p.Document != "doc1" || p.Page != 5 {
				t.Fatalf("%s: presentation %+v", tl.id, p)
			}
		}
	})

	t.Run("a delegate cannot run the meeting", func(t *testing.T) {
		_, err := delegates[0].c.Do(context.Background(), meeting.TurnPage{Page: 2})
		assertRefused(t, err, meeting.Forbidden)
		_, err = delegates[0].c.Do(context.Background(), meeting.OpenPoll{Poll: "v1"})
		assertRefused(t, err, meeting.Forbidden)
		_, err = chair.c.Do(context.Background(), meeting.TurnPage{Page: 11})
		assertRefused(t, err, meeting.Invalid)
	})

	t.Run("vote", func(t *testing.T) {
		chair.do(t, meeting.OpenPoll{Poll: "v1"})
		for _, tl := range everyone {
			tl.expect(t, meeting.PollOpened{Poll: "v1"})
		}
		seqs := map[string]uint64{}
		for i, choice := range []string{"for", "against", "for"} {
			d := delegates[i]
			seqs[d.id] = d.do(t, meeting.CastBallot{Poll: "v1", Choice: choice, BallotID: d.id + "-b1"})
		}
		// A second ballot is refused with words a person can read.
		_, err := delegates[2].c.Do(context.Background(), meeting.CastBallot{Poll: "v1", Choice: "against", BallotID: "d3-b2"})
		assertRefused(t, err, meeting.Conflict)
		// Resending the same ballot (its ack was lost, say) is harmless.
		if seq := delegates[2].do(t, meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "d3-b1"}); seq != seqs["d3"] {
			t.Fatalf("resent ballot: seq %d, want %d", seq, seqs["d3"])
		}
		// Each delegate sees its own ballot, not the others'.
		for _, d := range delegates {
			ev := d.next(t)
			if bc, ok := ev.Data.(meeting.BallotCast); !ok || bc.Voter != d.id || ev.Seq != seqs[d.id] {
				t.Fatalf("%s: got %s %s, want its own ballot at %d", d.id, ev.Type(), mustJSON(ev.Data), seqs[d.id])
			}
		}
		// The chair sees all three.
		for range 3 {
			if ev := chair.next(t); ev.Type() != "BallotCast" {
				t.Fatalf("chair: got %s, want BallotCast", ev.Type())
			}
		}
		chair.do(t, meeting.ClosePoll{Poll: "v1"})
		var results []meeting.Result
		for _, tl := range everyone {
			ev := tl.next(t)
			pc, ok := ev.Data.(meeting.PollClosed)
			if !ok {
				t.Fatalf("%s: got %s, want PollClosed", tl.id, ev.Type())
			}
			results = append(results, pc.Result)
			if st := tl.c.State(); !reflect.DeepEqual(*st.Polls["v1"].Result, pc.Result) {
				t.Fatalf("%s: state's result %+v differs from the event's %+v", tl.id, st.Polls["v1"].Result, pc.Result)
			}
		}
		// Present: the three delegates and the chair, checked in when the session opened.
		want := meeting.Result{Counts: map[string]int{"for": 2, "against": 1, "abstain": 0}, Cast: 3, Members: 4, Present: 4, Base: 3, QuorumOK: true, Passed: true}
		for i, r := range results {
			if !reflect.DeepEqual(r, want) {
				t.Fatalf("%s: result %+v, want %+v", everyone[i].id, r, want)
			}
		}
		_, err = delegates[0].c.Do(context.Background(), meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "late"})
		assertRefused(t, err, meeting.Conflict)
	})

	t.Run("a dropped tablet resumes with exactly what it missed", func(t *testing.T) {
		d1 := delegates[0]
		last := d1.c.LastSeq()
		d1.c.Drop()
		s6 := chair.do(t, meeting.TurnPage{Page: 6})
		s7 := chair.do(t, meeting.TurnPage{Page: 7})
		for _, tl := range append([]*tablet{chair}, delegates[1:]...) {
			tl.expect(t, meeting.PageTurned{Document: "doc1", Page: 6}, meeting.PageTurned{Document: "doc1", Page: 7})
		}
		back := connect(outer, n, "d1", d1.token, last) // lives on after this subtest
		if back.c.Welcome().Snapshot != nil {
			t.Fatal("resume sent a snapshot instead of the missed events")
		}
		got := back.expect(t, meeting.PageTurned{Document: "doc1", Page: 6}, meeting.PageTurned{Document: "doc1", Page: 7})
		if got[0].Seq != s6 || got[1].Seq != s7 {
			t.Fatalf("resumed seqs %d,%d, want %d,%d", got[0].Seq, got[1].Seq, s6, s7)
		}
		// Nothing else was pending: the next event it gets is the next one made.
		s8 := chair.do(t, meeting.TurnPage{Page: 8})
		if ev := back.next(t); ev.Seq != s8 {
			t.Fatalf("after the resume: got %s at %d, want the page turn at %d", ev.Type(), ev.Seq, s8)
		}
		delegates[0] = back
	})

	t.Run("health and metrics", func(t *testing.T) {
		for path, want := range map[string]string{
			"/healthz": `"ok"`,
			"/readyz":  `"store":"ok"`,
			"/metrics": "dais_commands_total{command=\"CastBallot\",outcome=\"conflict\"} 2", // the second ballot and the late one
		} {
			base := baseURL(n)
			if path == "/metrics" {
				base = "http://" + n.internalLn.Addr().String() // operators only
			}
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
				t.Fatalf("%s: %d, want %q in:\n%s", path, resp.StatusCode, want, grepLines(string(body), "dais_commands_total"))
			}
		}
	})

	t.Run("restart keeps the meeting", func(t *testing.T) {
		before, err := n.svc.State(context.Background(), testMeeting)
		if err != nil {
			t.Fatal(err)
		}
		last := delegates[1].c.LastSeq()
		if err := n.shutdown(context.Background()); err != nil {
			t.Fatalf("shutdown: %v", err)
		}
		for _, tl := range append([]*tablet{chair}, delegates...) {
			<-tl.c.Done()
			if code := tl.c.CloseCode(); code != protocol.CloseDraining {
				t.Fatalf("%s: close code %d, want %d", tl.id, code, protocol.CloseDraining)
			}
			if tl.c.Moved() == nil {
				t.Fatalf("%s: no move message before the drain", tl.id)
			}
		}
		n2 := mustStartNode(t, dir)
		after, err := n2.svc.State(context.Background(), testMeeting)
		if err != nil {
			t.Fatal(err)
		}
		if mustJSON(before) != mustJSON(after) {
			t.Fatalf("state changed across the restart:\nbefore %s\nafter  %s", mustJSON(before), mustJSON(after))
		}
		// A tablet resumes against the new process and misses nothing.
		back := connect(t, n2, "d2", delegates[1].token, last)
		if back.c.Welcome().Seq != before.Version {
			t.Fatalf("welcome at %d, want %d", back.c.Welcome().Seq, before.Version)
		}
		fresh := connect(t, n2, "chair", chair.token, 0)
		if st := fresh.c.State(); st.Presentation.Page != 8 || st.Polls["v1"].Result == nil || !st.Polls["v1"].Result.Passed {
			t.Fatalf("state after restart: presentation %+v, poll %+v", st.Presentation, st.Polls["v1"])
		}
		s := fresh.do(t, meeting.TurnPage{Page: 9})
		if ev := back.next(t); ev.Seq != s {
			t.Fatalf("after restart: got %d, want %d", ev.Seq, s)
		}
	})
}

// grepLines returns the lines of s that contain sub (or s itself, when short).
func grepLines(s, sub string) string {
	if len(s) < 500 {
		return s
	}
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func assertRefused(tb testing.TB, err error, code meeting.Code) {
	tb.Helper()
	var me *meeting.Error
	if !errors.As(err, &me) {
		tb.Fatalf("got %v, want a %s refusal", err, code)
	}
	if me.Code != code || me.Message == "" || me.MessageVI == "" {
		tb.Fatalf("got %+v, want a %s refusal with messages in both languages", me, code)
	}
}

// TestBackupRoute takes a backup of a running node from its internal
// listener while the meeting runs, restores it into an empty folder and
// finds the same meeting there; the public listener does not serve it.
func TestBackupRoute(t *testing.T) {
	n := mustStartNode(t, t.TempDir())
	seedTestMeeting(t, n)
	ctx := context.Background()
	if _, err := n.svc.Execute(ctx, testMeeting, meeting.Actor{Participant: "chair"}, meeting.OpenSession{}); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(baseURL(n) + "/backup"); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /backup on the public listener: %s, want 404", resp.Status)
	}
	resp, err := http.Get("http://" + n.internalLn.Addr().String() + "/backup")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /backup on the internal listener: %s", resp.Status)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "node.backup"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "restored")
	m, err := bolt.Restore(dir, f)
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != backup.KindEmbedded || len(m.Meetings) != 1 || m.Meetings[0] != testMeeting {
		t.Fatalf("manifest %+v", m)
	}
	want, err := n.svc.State(ctx, testMeeting)
	if err != nil {
		t.Fatal(err)
	}
	st, err := bolt.Open(dir, bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := service.New(st, nil, service.Options{}).State(ctx, testMeeting)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != want.Version || got.Status != want.Status || len(got.Participants) != len(want.Participants) {
		t.Fatalf("restored state: version %d, status %s, %d participants; want %d, %s, %d",
			got.Version, got.Status, len(got.Participants), want.Version, want.Status, len(want.Participants))
	}
}

// TestArchiveRoute: a closed meeting's archive from the internal listener
// verifies without the server; an unknown meeting is 404.
func TestArchiveRoute(t *testing.T) {
	n := mustStartNode(t, t.TempDir())
	ctx := context.Background()
	const id = "archive-route"
	raw, err := os.ReadFile("../../meeting/pdf/testdata/encrypt-source.pdf")
	if err != nil {
		t.Fatal(err)
	}
	info, err := n.store.PutBlob(ctx, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range meetingtest.SmallMeeting(id) {
		if d, ok := c.(meeting.AddDocument); ok {
			d.Document.SHA256, d.Document.Size = info.SHA256, info.Size
			c = d
		}
		if _, err := n.svc.Execute(ctx, id, meetingtest.Secretary, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []meeting.Command{meeting.OpenSession{}, meeting.CloseMeeting{}} {
		if _, err := n.svc.Execute(ctx, id, meeting.Actor{Participant: "chair"}, c); err != nil {
			t.Fatal(err)
		}
	}
	internal := "http://" + n.internalLn.Addr().String()
	if resp, err := http.Get(internal + "/archive/no-such-meeting"); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("archive of an unknown meeting: %s", resp.Status)
	}
	resp, err := http.Get(internal + "/archive/" + id)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("archive: %s, %v", resp.Status, err)
	}
	rep, err := archive.Verify(ctx, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Meeting != id || rep.PDFs != 1 || len(rep.Records) < 3 {
		t.Fatalf("report %+v", rep)
	}
}
