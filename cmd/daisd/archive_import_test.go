package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/archive"
	"github.com/dais-meeting/dais/meeting/audit"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/storage/bolt"
)

// TestArchiveImport: a real meeting with a document, a named and a secret
// poll is archived from a node's internal listener; the archive is
// imported into a fresh store, and a node started on that store serves it
// read only: the participants sign in and read the state, the document
// (the same sha256), the minutes and the ballots, every command is refused
// "archived" (over the WebSocket and over HTTP), and the stored record
// still verifies (what dais verify checks), its archived events with the
// same chain links. A tampered archive is refused and leaves the store
// empty; a second import is refused.
func TestArchiveImport(t *testing.T) {
	ctx := context.Background()
	const id = "archive-import"
	src := mustStartNode(t, t.TempDir())
	raw, err := os.ReadFile("../../meeting/pdf/testdata/encrypt-source.pdf")
	if err != nil {
		t.Fatal(err)
	}
	info, err := src.store.PutBlob(ctx, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	do := func(who string, c meeting.Command) {
		t.Helper()
		if _, err := src.svc.Execute(ctx, id, meeting.Actor{Participant: who}, c); err != nil {
			t.Fatalf("%s %s: %v", who, c.CommandName(), err)
		}
	}
	for _, c := range meetingtest.SmallMeeting(id) {
		if d, ok := c.(meeting.AddDocument); ok {
			d.Document.SHA256, d.Document.Size = info.SHA256, info.Size
			c = d
		}
		do(meetingtest.Secretary.Participant, c)
	}
	do(meetingtest.Secretary.Participant, meeting.CreatePoll{Poll: meeting.Poll{ID: "v2", Question: "Bầu tổ thư ký (bỏ phiếu kín)", Secret: true,
		Rule: meeting.Rule{Base: meeting.BaseCast, Threshold: meeting.Simple}}})
	do(meetingtest.Chair, meeting.OpenSession{})
	voters := append([]string{meetingtest.Chair}, meetingtest.Delegates...)
	for _, d := range meetingtest.Delegates {
		do(d, meeting.CheckIn{})
	}
	for _, poll := range []string{"v1", "v2"} {
		do(meetingtest.Chair, meeting.OpenPoll{Poll: poll})
		for i, v := range voters {
			do(v, meeting.CastBallot{Poll: poll, Choice: []string{"for", "against", "for", "abstain"}[i], BallotID: poll + v})
		}
		do(meetingtest.Chair, meeting.ClosePoll{Poll: poll})
	}
	do(meetingtest.Chair, meeting.CloseMeeting{})
	orig, err := src.store.Read(ctx, id, 1, 0)
	if err != nil {
		t.Fatal(err)
	}

	resp, err := http.Get("http://" + src.internalLn.Addr().String() + "/archive/" + id)
	if err != nil {
		t.Fatal(err)
	}
	file, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("archive: %s, %v", resp.Status, err)
	}

	dir := t.TempDir()
	st, err := bolt.Open(dir, bolt.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Tampered: one byte of the document changed. Refused, nothing stored.
	i := bytes.Index(file, raw[len(raw)/2:len(raw)/2+64])
	if i < 0 {
		t.Fatal("the document's bytes are not in the archive")
	}
	bad := bytes.Clone(file)
	bad[i] ^= 1
	if _, err := archive.Import(ctx, bytes.NewReader(bad), st, time.Now()); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Fatalf("a tampered archive: %v, want refused as not verified", err)
	}
	if ids, err := st.Meetings(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("a refused import left meetings %v (%v)", ids, err)
	}
	if _, _, err := st.OpenBlob(ctx, info.SHA256); err == nil {
		t.Fatal("a refused import left the document")
	}

	imp, err := archive.Import(ctx, bytes.NewReader(file), st, time.Now())
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if imp.Boxes != 2 || imp.PDFs != 1 || imp.Version != uint64(len(orig))+1 {
		t.Fatalf("imported %+v", imp)
	}
	if _, err := archive.Import(ctx, bytes.NewReader(file), st, time.Now()); !errors.Is(err, archive.ErrExists) {
		t.Fatalf("a second import: %v, want ErrExists", err)
	}
	got, err := st.Read(ctx, id, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range orig {
		if !bytes.Equal(got[i].Data, r.Data) || !bytes.Equal(got[i].Hash, r.Hash) || !bytes.Equal(got[i].Prev, r.Prev) {
			t.Fatalf("event %d differs from the archived meeting's", r.Seq)
		}
	}
	st.Close()

	n := mustStartNode(t, dir)
	chair := connect(t, n, "chair", tokenFor(t, n, id, meetingtest.Chair), 0)
	s := chair.c.State()
	if s == nil || s.Archived == nil || s.Archived.Events != uint64(len(orig)) || s.Status != meeting.StatusClosed ||
		s.Polls["v1"].Status != meeting.PollDone || s.Polls["v2"].Result == nil {
		t.Fatalf("the archived meeting's state: %+v", s)
	}
	if s.Archived.Archive != hex.EncodeToString(sum(file)) {
		t.Fatalf("the state names archive %s, the file is %x", s.Archived.Archive, sum(file))
	}
	for _, c := range []meeting.Command{meeting.OpenSession{}, meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "again"},
		meeting.AddAgendaItem{Item: meeting.Item{ID: "i9", Title: "Thêm"}}} {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := chair.c.Do(cctx, c)
		cancel()
		assertRefused(t, err, meeting.Archived)
	}
	secTok := tokenFor(t, n, id, meetingtest.Secretary.Participant)
	base := baseURL(n) + "/api/v1/meetings/" + id
	status, body := request(t, "POST", base+"/documents?title=New", secTok, raw)
	var refusal struct {
		Error meeting.Error `json:"error"`
	}
	if err := json.Unmarshal(body, &refusal); status != http.StatusConflict || err != nil || refusal.Error.Code != meeting.Archived || refusal.Error.MessageVI == "" {
		t.Fatalf("an upload to the archived meeting: %d %s", status, body)
	}
	d1 := tokenFor(t, n, id, "d1")
	status, body = request(t, "GET", base+"/documents/doc1/file", d1, nil)
	if status != http.StatusOK || hex.EncodeToString(sum(body)) != info.SHA256 {
		t.Fatalf("the document: %d, sha256 %x, want %s", status, sum(body), info.SHA256)
	}
	if status, body = request(t, "GET", base+"/minutes.pdf?lang=vi", secTok, nil); status != http.StatusOK || !bytes.HasPrefix(body, []byte("%PDF")) {
		t.Fatalf("the minutes: %d %.80s", status, body)
	}
	status, body = request(t, "GET", base+"/ballots.csv", secTok, nil)
	if status != http.StatusOK || !strings.Contains(string(body), "v1") {
		t.Fatalf("the ballots: %d %s", status, body)
	}
	if err := n.shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	// What dais verify checks, on the stopped node's store.
	ro, err := bolt.Open(dir, bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	rep, err := audit.Verify(ctx, ro, id)
	if err != nil || !rep.OK() || rep.Records != uint64(len(orig))+1 || rep.Polls != 2 {
		t.Fatalf("verify after the import: %+v, %v", rep, err)
	}
}

func sum(b []byte) []byte {
	h := sha256.Sum256(b)
	return h[:]
}
