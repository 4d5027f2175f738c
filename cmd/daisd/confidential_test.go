package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
)

// tokenFor joins meetingID as participant with a fresh invitation code and
// returns the session token.
func tokenFor(tb testing.TB, n *node, meetingID, participant string) string {
	tb.Helper()
	ctx := context.Background()
	code, err := n.acc.Invite(ctx, meetingID, participant)
	if err != nil {
		tb.Fatalf("inviting %s: %v", participant, err)
	}
	sess, err := daisclient.Join(ctx, baseURL(n), code)
	if err != nil {
		tb.Fatalf("%s: join: %v", participant, err)
	}
	return sess.Token
}

// request sends an authenticated request and returns the status and body.
func request(tb testing.TB, method, url, token string, body []byte) (int, []byte) {
	tb.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/pdf")
	}
	resp, err := contractClient(tb).Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// TestConfidentialDocumentFromAnotherMeeting is issue 11 finding 1's
// attack on a real node: meeting A's secretary uploads a confidential
// document for d1; d2 of meeting A looks for its sha256 in the snapshot;
// the secretary of meeting B sends AddDocument with the sha256 (and any
// hash it got hold of) and asks her own meeting for the file. Nothing
// leaks: d2 sees the withheld form, B's AddDocument is refused, B has no
// such document, and a B upload of other bytes attaches nothing of A's.
func TestConfidentialDocumentFromAnotherMeeting(t *testing.T) {
	n := startEdgeNode(t, config{})
	seedTestMeeting(t, n)
	ctx := context.Background()

	var pdfBuf bytes.Buffer
	if err := n.pdfs.Generate(ctx, &pdfBuf, "Phương án nhân sự mật", 2, nil); err != nil {
		t.Fatal(err)
	}
	secA := tokenFor(t, n, testMeeting, "sec")
	code, body := request(t, http.MethodPost, baseURL(n)+"/api/v1/meetings/"+testMeeting+"/documents?title=secret&confidential=1&readers=d1", secA, pdfBuf.Bytes())
	if code != http.StatusCreated {
		t.Fatalf("upload: %d %s", code, body)
	}
	var doc meeting.Document
	if err := json.Unmarshal(body, &doc); err != nil || doc.SHA256 == "" {
		t.Fatalf("upload answered %s", body)
	}

	// The curious delegate: no hash, pages or readers in the snapshot.
	d2 := connect(t, n, "d2", tokenFor(t, n, testMeeting, "d2"), 0)
	snap := d2.c.State()
	got := snap.Documents[doc.ID]
	if got == nil || !got.Withheld || got.SHA256 != "" || got.Pages != 0 || got.Readers != nil {
		t.Fatalf("d2's snapshot shows %+v", got)
	}
	if b, _ := json.Marshal(snap); bytes.Contains(b, []byte(doc.SHA256)) {
		t.Fatal("the sha256 is in a non-reader's snapshot")
	}
	// The reader gets it whole.
	d1 := connect(t, n, "d1", tokenFor(t, n, testMeeting, "d1"), 0)
	if got := d1.c.State().Documents[doc.ID]; got == nil || got.SHA256 != doc.SHA256 {
		t.Fatalf("the reader's snapshot shows %+v", got)
	}

	// The hostile secretary of another meeting.
	const other = "other-meeting"
	if _, err := n.svc.Execute(ctx, other, meeting.Actor{Participant: "secb"}, meeting.CreateMeeting{
		ID: other, Title: "Hội nghị khác", StartsAt: time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC),
		Rooms:     []meeting.Room{{ID: "main", Name: "Phòng họp", Main: true}},
		Secretary: meeting.Participant{ID: "secb", Name: "Người thư ký khác", Role: meeting.RoleSecretary, Room: "main"},
	}); err != nil {
		t.Fatal(err)
	}
	secB := tokenFor(t, n, other, "secb")
	tabB, err := daisclient.Dial(ctx, baseURL(n), secB, daisclient.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tabB.Close()
	for _, stolen := range []meeting.Document{
		{ID: "stolen", Title: "x", Pages: 2, SHA256: doc.SHA256},
		{ID: doc.ID, Title: "x", Pages: 2, SHA256: doc.SHA256, Confidential: true, Readers: []string{"secb"}},
	} {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := tabB.Do(cctx, meeting.AddDocument{Document: stolen})
		cancel()
		var me *meeting.Error
		if !errors.As(err, &me) || me.Code != meeting.Forbidden || !strings.Contains(me.Message, "upload") {
			t.Fatalf("AddDocument from meeting B's secretary: %v, want forbidden (upload only)", err)
		}
	}
	for _, id := range []string{"stolen", doc.ID} {
		code, body := request(t, http.MethodGet, baseURL(n)+"/api/v1/meetings/"+other+"/documents/"+id+"/file", secB, nil)
		if code != http.StatusNotFound || bytes.HasPrefix(body, []byte("%PDF")) {
			t.Fatalf("meeting B reads %s: %d (%d bytes)", id, code, len(body))
		}
	}
	// Nor with meeting A's path and her own token.
	code, body = request(t, http.MethodGet, baseURL(n)+"/api/v1/meetings/"+testMeeting+"/documents/"+doc.ID+"/file", secB, nil)
	if code == http.StatusOK || bytes.HasPrefix(body, []byte("%PDF")) {
		t.Fatalf("meeting B's secretary reads A's file with A's path: %d", code)
	}
	st, err := n.svc.State(ctx, other)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Documents) != 0 {
		t.Fatalf("meeting B holds documents %v", st.Documents)
	}
}

// TestSecretaryCannotCheckOutAVoterDuringAPoll is issue 11 finding 8's
// attack on a real node: the secretary checks d1 out while a poll is open
// to stop their vote. The check-out is refused (conflict, with the
// reason); d1 votes.
func TestSecretaryCannotCheckOutAVoterDuringAPoll(t *testing.T) {
	n := startEdgeNode(t, config{})
	codes := seedTestMeeting(t, n)
	chair := join(t, n, "chair", codes["chair"])
	d1 := join(t, n, "d1", codes["d1"])
	sec := connect(t, n, "sec", tokenFor(t, n, testMeeting, "sec"), 0)
	chair.do(t, meeting.OpenSession{})
	d1.do(t, meeting.CheckIn{})
	chair.do(t, meeting.OpenPoll{Poll: "v1"})

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := sec.c.Do(ctx, meeting.CheckOut{Participant: "d1"})
	var me *meeting.Error
	if !errors.As(err, &me) || me.Code != meeting.Conflict || !strings.Contains(me.Message, "vote") {
		t.Fatalf("the secretary checks d1 out during the poll: %v, want a conflict that says why", err)
	}
	d1.do(t, meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "d1-v1"})
	st, err := n.svc.State(ctx, testMeeting)
	if err != nil {
		t.Fatal(err)
	}
	if _, voted := st.Polls["v1"].Voters["d1"]; !voted || !st.Participants["d1"].Present {
		t.Fatalf("d1 present %v, voted %v", st.Participants["d1"].Present, voted)
	}
}
