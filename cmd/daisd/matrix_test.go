package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/dais-meeting/dais/clients/daisclient"
	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/account"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/meeting/pdf/sign/signtest"
	"github.com/dais-meeting/dais/meeting/records"
	"github.com/dais-meeting/dais/realtime/httpapi"
	"github.com/dais-meeting/dais/realtime/protocol"
)

// The role × action matrix of the edge (issue 11): every route a node
// mounts — the public listener's and the internal one's — for every kind
// of caller, allowed (2xx or 3xx; for the WebSocket: the hello is
// answered) or refused with the status written here (for the WebSocket:
// the close code). The expectations are written by hand, not computed from
// the code under test. The meeting core's commands have their own matrix
// (meeting/matrix_test.go); TestRouteMatrix also sends a sample of
// commands through the real WebSocket to show the edge enforces the same.
//
// Complete by construction: the node records every pattern it mounts
// (httpapi.Router); a pattern without a row, a row of a pattern no longer
// mounted, or a row without a word for some caller fails the test.
//
// To add a caller (a column): give it a name below, its credentials in
// newMatrix, and an entry in every row (the test names the rows without).
//
// The counting committee's member (issue 10) is a delegate of A elected
// to the committee (meeting.State.Committee) by a show of hands.

// The callers (columns).
const (
	cSecretary = "secretary"     // a session of meeting A's secretary
	cChair     = "chair"         // A's chair
	cPresenter = "presenter"     // a delegate of A the chair handed the presentation to
	cDelegate  = "delegate"      // a delegate of A, the reader of A's confidential document
	cCommittee = "committee"     // a delegate of A on the counting committee
	cObserver  = "observer"      // an observer of A
	cDisplay   = "display"       // A's room display
	cOther     = "other meeting" // a session of meeting B's secretary, whose participant id is "sec" too
	cRemoved   = "removed"       // a session of a participant since removed from A
	cRevoked   = "revoked"       // a session of A the secretary revoked
	cNobody    = "nobody"        // no credentials
	cAdmin     = "admin account" // an administrator's account session (cookie), linked to A's secretary
	cAccount   = "account"       // an account that is not an administrator (cookie), linked to nothing
	cNodeAdmin = "admin token"   // the node's -admin-token as a bearer
)

var routeCallers = []string{cSecretary, cChair, cPresenter, cDelegate, cCommittee, cObserver, cDisplay, cOther, cRemoved, cRevoked, cNobody, cAdmin, cAccount, cNodeAdmin}

// ok is what a row expects of an allowed caller: any 2xx or 3xx (a
// WebSocket: a hello answered).
const ok = 0

// expect is a row's outcome per caller: ok, or the status (the close code
// for the WebSocket) of the refusal.
type expect map[string]int

func allowed(names ...string) expect {
	e := expect{}
	for _, n := range names {
		e[n] = ok
	}
	return e
}

func (e expect) status(code int, names ...string) expect {
	for _, n := range names {
		if _, dup := e[n]; dup {
			panic("route row names " + n + " twice")
		}
		e[n] = code
	}
	return e
}

// rest gives every caller not named yet code.
func (e expect) rest(code int) expect {
	for _, n := range routeCallers {
		if _, ok := e[n]; !ok {
			e[n] = code
		}
	}
	return e
}

// caller is one column's credentials.
type caller struct {
	name string
	// bearer is sent as "Authorization: Bearer …"; cookie as the account
	// cookie (with this origin, as the page would).
	bearer, cookie string
	// code is what the caller types to join (a fresh code of their own,
	// or a stale or made-up one).
	code func(tb testing.TB) string
	// client sends from an address of the caller's own, so that the
	// per-address sign-in limits of one caller do not refuse another.
	client *http.Client
	dialer *websocket.Dialer
}

// routeRow is one request of one route.
type routeRow struct {
	pattern  string // as mounted
	internal bool   // on the internal listener
	variant  string
	method   string // "WS" for the WebSocket
	path     string
	// body returns the request body for a caller (nil: none); a []byte is
	// sent as a PDF, anything else as JSON.
	body func(tb testing.TB, c *caller) any
	want expect
}

func (r routeRow) label() string {
	l := r.pattern
	if r.internal {
		l = "internal " + l
	}
	if r.variant != "" {
		l += " (" + r.variant + ")"
	}
	return l
}

// matrix is the node and what the rows need of it.
type matrix struct {
	n       *node
	callers map[string]*caller
	// doc is a public document of A (on item i2), conf a confidential one
	// whose reader is the delegate.
	doc, conf string
	pdf       []byte
	adminKey  []byte // the administrator's TOTP key
	// feed is p-ba's calendar feed token (office); consult a draft
	// consultation of btv and consultDoc its document.
	feed, consult, consultDoc string
	// consultClosed is a closed consultation of btv (its summary signed).
	consultClosed string
	// conclusions (issue 13, part 4): mK of A's item i2 for matrix-kl,
	// chaired by the person "chair" (A's chair); oK of btv (chaired by the
	// plain account's person p-binh) with a task of p-binh; oK2 published,
	// its task reported done with the attachment oKDoc.
	mK, oK, oK2, oKDoc string
	accounts           int
	// contract is docs/openapi.yaml and docs/openapi-internal.yaml: every
	// request send makes, and its answer, is validated against them
	// (openapi_test.go).
	contract *contract
}

const (
	meetingA   = "matrix-a"
	meetingB   = "matrix-b"
	nodeAdmin  = "matrix-node-admin-token"
	adminPass  = "mật khẩu của Hương 2026"
	targetAcct = "cuong" // the account the administration rows act on
)

// newMatrix starts a node with accounts, an internal listener and a room
// authority, prepares meeting A (every role, a removed and a revoked
// participant, a public and a confidential document, in session with the
// presentation handed to d2) and meeting B, and signs every caller in.
func newMatrix(t *testing.T) *matrix {
	ctx := context.Background()
	ca := signtest.NewCA(t)
	office := ca.NewSigner(t, "Văn phòng Tỉnh ủy Thử nghiệm", "Tỉnh ủy Hòa Bình", true)
	n, err := startNode(ctx, config{
		Listen: "127.0.0.1:0", Data: t.TempDir(), Name: "matrix", AdminToken: nodeAdmin, InternalListen: "127.0.0.1:0",
		Records:      records.Config{Signer: &office, Roots: ca.Roots()},
		AuthorityPEM: []byte("-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n"),
		Logger:       testLogger("matrix"),
		Accounts:     accountsConfig{SetupSecret: "TEST-SETUP-SECRET", Params: fastHashes},
	})
	if err != nil {
		t.Fatalf("starting the node: %v", err)
	}
	t.Cleanup(func() { _ = n.shutdown(context.Background()) })
	m := &matrix{n: n, callers: map[string]*caller{}, contract: loadContract(t)}
	for i, name := range routeCallers {
		local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(20+i))}
		d := &net.Dialer{LocalAddr: local, Timeout: 5 * time.Second}
		m.callers[name] = &caller{name: name,
			client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: d.DialContext},
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
			dialer: &websocket.Dialer{NetDialContext: d.DialContext, HandshakeTimeout: 5 * time.Second},
		}
	}

	// Meeting A: the small meeting without its placeholder document, plus
	// an observer, a display and d5 (to be removed).
	exec := func(meetingID, actor string, c meeting.Command) {
		t.Helper()
		if _, err := n.svc.Execute(ctx, meetingID, meeting.Actor{Participant: actor}, c); err != nil {
			t.Fatalf("%s: %s by %s: %v", meetingID, c.CommandName(), actor, err)
		}
	}
	for _, c := range meetingtest.SmallMeeting(meetingA) {
		switch c := c.(type) {
		case meeting.AddDocument:
			continue
		case meeting.AddAgendaItem:
			c.Item.Documents = nil
			exec(meetingA, "sec", c)
		case meeting.Publish:
		default:
			exec(meetingA, "sec", c)
		}
	}
	for _, p := range []meeting.Participant{
		{ID: "k1", Name: "Mai Thị Kiểm", Role: meeting.RoleDelegate, Room: "main"},
		{ID: "obs", Name: "Đỗ Minh Tâm", Role: meeting.RoleObserver, Room: "main"},
		{ID: "disp", Name: "Màn hình hội trường", Role: meeting.RoleDisplay, Room: "main"},
		{ID: "d5", Name: "Đinh Văn Năm", Role: meeting.RoleDelegate, Room: "main"},
	} {
		exec(meetingA, "sec", meeting.AddParticipant{Participant: p})
	}
	exec(meetingA, "sec", meeting.AddRoom{Room: meeting.Room{ID: "r2", Name: "Điểm cầu bỏ phiếu giấy"}})
	exec(meetingA, "sec", meeting.Publish{})

	// Meeting B, whose secretary is "sec" too.
	exec(meetingB, "sec", meeting.CreateMeeting{ID: meetingB, Title: "Hội nghị khác", StartsAt: time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC),
		Rooms:     []meeting.Room{{ID: "main", Name: "Phòng họp", Main: true}},
		Secretary: meeting.Participant{ID: "sec", Name: "Thư ký hội nghị khác", Role: meeting.RoleSecretary, Room: "main"}})

	// Sessions of A (and B), then the removal and the revocation.
	ids := map[string]string{cSecretary: "sec", cChair: "chair", cPresenter: "d2", cDelegate: "d1", cCommittee: "k1", cObserver: "obs", cDisplay: "disp"}
	for name, id := range ids {
		c := m.callers[name]
		c.bearer = tokenFor(t, n, meetingA, id)
		c.code = func(tb testing.TB) string {
			code, err := n.acc.Invite(ctx, meetingA, id)
			if err != nil {
				tb.Fatalf("inviting %s: %v", id, err)
			}
			return code
		}
	}
	m.callers[cOther].bearer = tokenFor(t, n, meetingB, "sec")
	m.callers[cOther].code = func(tb testing.TB) string {
		code, err := n.acc.Invite(ctx, meetingB, "sec")
		if err != nil {
			tb.Fatal(err)
		}
		return code
	}
	m.callers[cRemoved].bearer = tokenFor(t, n, meetingA, "d5")
	removedCode, err := n.acc.Invite(ctx, meetingA, "d5")
	if err != nil {
		t.Fatal(err)
	}
	m.callers[cRemoved].code = func(testing.TB) string { return removedCode }
	exec(meetingA, "sec", meeting.RemoveParticipant{Participant: "d5"})
	m.callers[cRevoked].bearer = tokenFor(t, n, meetingA, "d3")
	revokedCode, err := n.acc.Invite(ctx, meetingA, "d3")
	if err != nil {
		t.Fatal(err)
	}
	m.callers[cRevoked].code = func(testing.TB) string { return revokedCode }
	exec(meetingA, "sec", meeting.RevokeSessions{Participant: "d3"})
	for _, name := range []string{cNobody, cAdmin, cAccount, cNodeAdmin} {
		m.callers[name].code = func(testing.TB) string { return "K7Q2-M4XP-A9RT-W3HN" }
	}
	m.callers[cNodeAdmin].bearer = nodeAdmin

	// Documents: a public one on i2 and a confidential one for d1.
	var buf bytes.Buffer
	if err := n.pdfs.Generate(ctx, &buf, "Báo cáo ma trận quyền", 2, nil); err != nil {
		t.Fatal(err)
	}
	m.pdf = buf.Bytes()
	for _, conf := range []bool{false, true} {
		path := "/api/v1/meetings/" + meetingA + "/documents?title=public"
		if conf {
			path = "/api/v1/meetings/" + meetingA + "/documents?title=secret&confidential=1&readers=d1"
		}
		st, body := m.do(t, m.callers[cSecretary], "POST", path, m.pdf)
		var d meeting.Document
		if st != http.StatusCreated || json.Unmarshal(body, &d) != nil {
			t.Fatalf("upload: %d %s", st, body)
		}
		if conf {
			m.conf = d.ID
		} else {
			m.doc = d.ID
		}
	}
	exec(meetingA, "sec", meeting.AttachDocument{Item: "i2", Document: m.doc})
	// The public document is a draft for comment with a second version.
	exec(meetingA, "sec", meeting.OpenDraft{Document: m.doc, Deadline: time.Now().Add(72 * time.Hour), Visibility: meeting.DraftPublic})
	if st, body := m.do(t, m.callers[cSecretary], "POST", "/api/v1/meetings/"+meetingA+"/documents?title=public-v2", m.pdf); st != http.StatusCreated {
		t.Fatalf("upload v2: %d %s", st, body)
	} else {
		var d meeting.Document
		if err := json.Unmarshal(body, &d); err != nil {
			t.Fatal(err)
		}
		exec(meetingA, "sec", meeting.AddDraftVersion{Draft: m.doc, Document: d.ID})
	}
	exec(meetingA, "chair", meeting.OpenSession{})
	exec(meetingA, "chair", meeting.HandPresentation{To: "d2"})
	// k1 is elected to the counting committee by a show of hands; an
	// election's list is approved and its first round opened (its
	// counting minutes are a route).
	exec(meetingA, "k1", meeting.CheckIn{})
	exec(meetingA, "sec", meeting.ProposeCommittee{Poll: "bkp", Members: []string{"k1"}})
	exec(meetingA, "chair", meeting.OpenPoll{Poll: "bkp"})
	exec(meetingA, "k1", meeting.CastBallot{Poll: "bkp", Choice: "for", BallotID: "k1-bkp"})
	exec(meetingA, "chair", meeting.ClosePoll{Poll: "bkp"})
	exec(meetingA, "sec", meeting.CreateElection{Election: meeting.Election{ID: "bch", Title: "Bầu Bí thư", Seats: 1, PaperRooms: []string{"r2"},
		Candidates: []meeting.Candidate{{ID: "c1", Name: "Nguyễn Văn Ứng", BirthYear: 1970, Position: "Ủy viên"}}}})
	exec(meetingA, "chair", meeting.OpenPoll{Poll: "bch-approval"})
	exec(meetingA, "k1", meeting.CastBallot{Poll: "bch-approval", Choice: "for", BallotID: "k1-approval"})
	exec(meetingA, "chair", meeting.ClosePoll{Poll: "bch-approval"})
	exec(meetingA, "chair", meeting.OpenElectionRound{Election: "bch"})

	// Accounts: the first administrator (linked to A's secretary), a plain
	// account, and the account the administration rows act on.
	b := newBrowser(t, n)
	m.adminKey = firstRun(t, b)
	passwords := map[string]string{}
	for _, id := range []string{"binh", targetAcct} {
		var added struct{ Password string }
		if st := b.call("POST", "/api/v1/accounts", map[string]any{"id": id, "name": "Tài khoản " + id}, &added); st != http.StatusCreated {
			t.Fatalf("adding %s: %d", id, st)
		}
		passwords[id] = added.Password
	}
	plain := newBrowser(t, n)
	var ps account.Session
	if st := plain.call("POST", "/api/v1/account/login", map[string]string{"id": "binh", "password": passwords["binh"]}, &ps); st != 200 {
		t.Fatalf("binh's first sign-in: %d", st)
	}
	var en enrolment
	plain.call("POST", "/api/v1/account/enrolment", nil, &en)
	key, _ := account.DecodeSecret(en.Secret)
	pendingToken := ps.Token // enrolling makes the same session full
	ps = account.Session{}
	if st := plain.call("POST", "/api/v1/account/totp", map[string]string{"secret": en.Secret, "code": account.TOTPCode(key, time.Now())}, &ps); st != 200 || ps.Pending {
		t.Fatalf("binh's enrolment: %d %+v", st, ps)
	}
	m.callers[cAccount].cookie = pendingToken
	// The administrator keeps the first run's session (its cookie); the
	// login row signs in with the next TOTP step.
	u, _ := url.Parse(baseURL(n) + "/api/v1/")
	for _, ck := range b.c.Jar.Cookies(u) {
		if ck.Name == httpapi.AccountCookie {
			m.callers[cAdmin].cookie = ck.Value
		}
	}
	if st, body := m.do(t, m.callers[cSecretary], "POST", "/api/v1/meetings/"+meetingA+"/participants/sec/account", map[string]string{"account": "huong"}); st != http.StatusNoContent {
		t.Fatalf("linking huong to A's secretary: %d %s", st, body)
	}
	if pendingToken == "" || m.callers[cAdmin].cookie == "" {
		t.Fatal("no account token")
	}
	m.office(t)
	return m
}

// office prepares issue 13's registry: the administrator is the person
// p-huong; the plain account binh is p-binh, who chairs the committee btv
// (p-binh, p-ba); p-ba has a calendar feed (m.feed).
func (m *matrix) office(t *testing.T) {
	t.Helper()
	admin := m.callers[cAdmin]
	for id, body := range map[string]map[string]any{
		"p-huong": {"name": "Nguyễn Thị Hương", "account": "huong"},
		"p-binh":  {"name": "Trần Văn Bình", "title": "Bí thư", "account": "binh", "email": "binh@tinhuy.example"},
		"p-ba":    {"name": "Hoàng Văn Ba", "email": "ba@tinhuy.example"},
	} {
		if st, b := m.do(t, admin, "PUT", "/api/v1/people/"+id, body); st != 200 {
			t.Fatalf("PUT person %s: %d %s", id, st, b)
		}
	}
	if st, b := m.do(t, admin, "PUT", "/api/v1/committees/btv", map[string]any{"name": "Ban Thường vụ",
		"members": []map[string]any{{"person": "p-binh", "chair": true}, {"person": "p-ba"}}}); st != 200 {
		t.Fatalf("PUT committee: %d %s", st, b)
	}
	tok, err := m.n.registry.NewFeed(t.Context(), "p-ba")
	if err != nil {
		t.Fatal(err)
	}
	m.feed = tok
	// A draft consultation of btv (its chair p-binh is the plain account)
	// with a document.
	var v struct {
		Consultation struct{ ID string }
	}
	st, b := m.do(t, admin, "POST", "/api/v1/consultations", map[string]any{"committee": "btv", "title": "Lấy ý kiến của ma trận",
		"questions": []map[string]string{{"text": "Đồng ý?"}}, "deadline": time.Now().Add(72 * time.Hour).Format(time.RFC3339)})
	if st != http.StatusCreated || json.Unmarshal(b, &v) != nil {
		t.Fatalf("drafting a consultation: %d %s", st, b)
	}
	m.consult = v.Consultation.ID
	var d struct{ Document struct{ ID string } }
	if st, b := m.do(t, admin, "POST", "/api/v1/consultations/"+m.consult+"/documents?title=matrix", m.pdf); st != http.StatusCreated || json.Unmarshal(b, &d) != nil {
		t.Fatalf("a consultation's document: %d %s", st, b)
	}
	m.consultDoc = d.Document.ID
	// A closed one, whose summary is signed.
	sec, binh := office.Actor{Secretary: true, Account: "matrix"}, office.Actor{Person: "p-binh"}
	closed, err := m.n.consults.Draft(t.Context(), sec, "btv", office.Draft{Title: "Lấy ý kiến đã kết thúc", Deadline: time.Now().Add(72 * time.Hour),
		Questions: []office.Question{{Text: "Đồng ý?"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []office.Command{office.Approve{}, office.Close{}} {
		if _, err := m.n.consults.Execute(t.Context(), closed.ID, binh, cmd); err != nil {
			t.Fatal(err)
		}
	}
	m.consultClosed = closed.ID
	m.conclusions(t)
}

// conclusions prepares the conclusions the rows act on (m.mK, m.oK, m.oK2).
func (m *matrix) conclusions(t *testing.T) {
	t.Helper()
	ctx, admin := t.Context(), m.callers[cAdmin]
	if st, b := m.do(t, admin, "PUT", "/api/v1/people/chair", map[string]any{"name": "Trần Văn Quang", "account": "quang"}); st != 200 {
		t.Fatalf("PUT person chair: %d %s", st, b)
	}
	// A's chair opens the console from the account of the person "chair"
	// (POST /api/v1/account/meetings/{meeting}/open does this): only such a
	// session acts as the office's person of its participant id; a session
	// of the chair's invitation code approves nothing
	// (TestNoChairByParticipantID).
	// The account exists and is enabled: a session of a disabled or
	// unknown account acts as no one (TestDisabledChairConsoleActsAsNobody).
	if st, b := m.do(t, admin, "POST", "/api/v1/accounts", map[string]any{"id": "quang", "name": "Trần Văn Quang"}); st != http.StatusCreated {
		t.Fatalf("adding the account quang: %d %s", st, b)
	}
	cs, err := m.n.acc.OpenFor(ctx, meetingA, "chair", "quang", meeting.RoleChair)
	if err != nil {
		t.Fatal(err)
	}
	m.callers[cChair].bearer = cs.Token
	if st, b := m.do(t, admin, "PUT", "/api/v1/committees/matrix-kl", map[string]any{"name": "Ban của hội nghị A",
		"members": []map[string]any{{"person": "chair", "chair": true}, {"person": "p-ba"}}}); st != 200 {
		t.Fatalf("PUT committee matrix-kl: %d %s", st, b)
	}
	// Meeting A is the committee's, as if the office had made it from
	// matrix-kl (the seating committees.Seat records): its secretaries
	// draft that committee's conclusions there, and no other's.
	if err := m.n.registry.LinkSeats(ctx, meetingA, "matrix-kl", []string{"chair"}); err != nil {
		t.Fatal(err)
	}
	sec := office.Actor{Secretary: true, Staff: true, Account: "matrix"}
	draft := func(committee string) string {
		c, err := m.n.concls.Draft(ctx, sec, committee, office.DraftConclusion{Meeting: meetingA, AgendaItem: "i2",
			Title: "Kết luận của ma trận", Text: "Nội dung kết luận.",
			Tasks: []office.TaskDraft{{Title: "Báo cáo kết quả", Assignee: office.Assignee{Kind: office.AssignPerson, Person: "p-binh"}, Deadline: time.Now().Add(72 * time.Hour)}}})
		if err != nil {
			t.Fatalf("drafting a conclusion of %s: %v", committee, err)
		}
		return c.ID
	}
	m.mK, m.oK, m.oK2 = draft("matrix-kl"), draft("btv"), draft("btv")
	binh := office.Actor{Person: "p-binh"}
	if _, err := m.n.concls.Approve(ctx, m.oK2, binh); err != nil {
		t.Fatal(err)
	}
	if _, err := m.n.concls.Execute(ctx, m.oK2, binh, office.PublishConclusion{}); err != nil {
		t.Fatal(err)
	}
	c, err := m.n.concls.Report(ctx, m.oK2, binh, office.ReportTask{Task: "t1", Done: true}, "Báo cáo", bytes.NewReader(m.pdf))
	if err != nil {
		t.Fatal(err)
	}
	m.oKDoc = c.Tasks[0].Reports[0].Attachment.ID
}

// url returns the URL of path on the public or the internal listener.
func (m *matrix) url(path string, internal bool) string {
	if internal {
		return "http://" + m.n.internalLn.Addr().String() + path
	}
	return baseURL(m.n) + path
}

// do sends one request as c and returns the status and body.
func (m *matrix) do(tb testing.TB, c *caller, method, path string, body any) (int, []byte) {
	return m.send(tb, c, method, m.url(path, false), body)
}

func (m *matrix) send(tb testing.TB, c *caller, method, url string, body any) (int, []byte) {
	tb.Helper()
	var r io.Reader
	var sent []byte
	ct := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		sent, ct = b, "application/pdf"
		r = bytes.NewReader(sent)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			tb.Fatal(err)
		}
		sent, ct = data, "application/json"
		r = bytes.NewReader(sent)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		tb.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	if c.cookie != "" {
		req.AddCookie(&http.Cookie{Name: httpapi.AccountCookie, Value: c.cookie})
		req.Header.Set("Origin", baseURL(m.n))
	}
	resp, err := c.client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s as %s: %v", method, url, c.name, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if m.contract != nil {
		api := m.contract.public
		if m.n.internalLn != nil && req.URL.Host == m.n.internalLn.Addr().String() {
			api = m.contract.internal
		}
		if err := api.check(req, sent, resp.StatusCode, resp.Header, data); err != nil {
			tb.Errorf("contract: as %s: %.1500v", c.name, err)
		}
	}
	return resp.StatusCode, data
}

// dial opens the WebSocket as c: ok, or the close code of the refusal.
func (m *matrix) dial(tb testing.TB, c *caller) (*daisclient.Client, int) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cl, err := daisclient.Dial(ctx, baseURL(m.n), c.bearer, daisclient.Options{Dialer: c.dialer, KeepState: true})
	if err != nil {
		var ce *daisclient.CloseError
		if errors.As(err, &ce) {
			return nil, ce.Code
		}
		tb.Fatalf("dialling as %s: %v", c.name, err)
	}
	tb.Cleanup(func() { _ = cl.Close() })
	return cl, ok
}

func jsonBody(v any) func(testing.TB, *caller) any { return func(testing.TB, *caller) any { return v } }

// routeRows is the matrix. Rows that end sessions come last.
func (m *matrix) routeRows() []routeRow {
	A := "/api/v1/meetings/" + meetingA
	// Meeting-session groups.
	inA := []string{cSecretary, cChair, cPresenter, cDelegate, cCommittee, cObserver, cDisplay}
	// A meeting route refuses a session of another meeting (403), a dead
	// or missing one (401); an account cookie or the node's admin token is
	// no meeting session (401).
	meetingRoute := func(e expect) expect {
		return e.status(http.StatusForbidden, cOther).rest(http.StatusUnauthorized)
	}
	secretaryOnly := meetingRoute(allowed(cSecretary).status(http.StatusForbidden, cChair, cPresenter, cDelegate, cCommittee, cObserver, cDisplay))
	staff := meetingRoute(allowed(cSecretary, cChair).status(http.StatusForbidden, cPresenter, cDelegate, cCommittee, cObserver, cDisplay))
	everyoneOfA := meetingRoute(allowed(inA...))
	// Account routes: the account cookie; a bearer is read as an account
	// token, so a meeting session or the admin token is no account (401).
	accountRoute := allowed(cAdmin, cAccount).rest(http.StatusUnauthorized)
	// Administration: an administrator's account or the node's admin token.
	adminRoute := allowed(cAdmin, cNodeAdmin).status(http.StatusForbidden, cAccount).rest(http.StatusUnauthorized)
	public := allowed(routeCallers...)
	// The office's staff: an administrator (or a person marked staff); the
	// plain account is a committee member, not staff.
	officeStaff := allowed(cAdmin).status(http.StatusForbidden, cAccount).rest(http.StatusUnauthorized)
	// The consultation's chair (and member) is the plain account; the
	// administrator is staff, not its chair nor a member.
	chairOnly := allowed(cAccount).status(http.StatusForbidden, cAdmin).rest(http.StatusUnauthorized)
	C := "/api/v1/consultations/" + m.consult
	newAccount := func(_ testing.TB, c *caller) any {
		m.accounts++
		return map[string]string{"id": fmt.Sprintf("acct%02d", m.accounts), "name": "Tài khoản mới"}
	}
	newMeeting := func(_ testing.TB, c *caller) any {
		b := map[string]any{"title": "Hội nghị mới của " + c.name, "starts_at": "2026-12-20T08:00:00+07:00"}
		if c.name == cNodeAdmin {
			b["secretary"] = map[string]string{"id": "sec", "name": "Thư ký"}
		}
		return b
	}

	return []routeRow{
		{pattern: "GET /ws", method: "WS", path: "/ws",
			// Another meeting's session connects — to its own meeting
			// (checked below). A removed or revoked session is told to wipe.
			want: allowed(append(inA, cOther)...).status(protocol.CloseRevoked, cRemoved, cRevoked).rest(protocol.CloseUnauthorized)},
		{pattern: "POST /api/v1/join", method: "POST", path: "/api/v1/join",
			body: func(tb testing.TB, c *caller) any { return map[string]string{"code": c.code(tb)} },
			// Each caller types the code it has: a fresh one of its own;
			// the removed participant's and the revoked one's codes were
			// issued before; the others have none (a made-up one).
			want: allowed(append(inA, cOther)...).rest(http.StatusUnauthorized)},
		{pattern: "GET /api/v1/session", method: "GET", path: "/api/v1/session",
			want: allowed(append(inA, cOther)...).rest(http.StatusUnauthorized)},
		{pattern: "POST /api/v1/links", method: "POST", path: "/api/v1/links",
			body: jsonBody(map[string]string{"path": A + "/documents/" + m.doc + "/file"}),
			// Only paths of the session's own meeting are signed.
			want: allowed(inA...).status(http.StatusBadRequest, cOther).rest(http.StatusUnauthorized)},
		{pattern: "GET /api/v1/meetings/{meeting}/participants/{participant}/sessions", method: "GET", path: A + "/participants/d1/sessions",
			want: secretaryOnly},
		{pattern: "POST /api/v1/meetings/{meeting}/participants/{participant}/revoke", method: "POST", path: A + "/participants/d3/revoke",
			body: jsonBody(map[string]string{}), want: secretaryOnly},
		{pattern: "POST /api/v1/meetings/{meeting}/documents", method: "POST", path: A + "/documents?title=upload",
			body: func(testing.TB, *caller) any { return m.pdf }, want: secretaryOnly},
		{pattern: "GET /api/v1/meetings/{meeting}/documents/{doc}/file", variant: "public", method: "GET", path: A + "/documents/" + m.doc + "/file",
			want: everyoneOfA},
		{pattern: "GET /api/v1/meetings/{meeting}/documents/{doc}/file", variant: "confidential, read by the delegate", method: "GET", path: A + "/documents/" + m.conf + "/file",
			want: meetingRoute(allowed(cSecretary, cChair, cDelegate).status(http.StatusForbidden, cPresenter, cCommittee, cObserver, cDisplay))},
		{pattern: "GET /api/v1/meetings/{meeting}/documents/{doc}/annotated", method: "GET", path: A + "/documents/" + m.doc + "/annotated",
			want: everyoneOfA},
		{pattern: "GET /api/v1/meetings/{meeting}/roster", method: "GET", path: A + "/roster",
			want: everyoneOfA},
		// The bridge sites' status (docs/bridge.md): the chair and the
		// secretaries.
		{pattern: "GET /api/v1/meetings/{meeting}/sites", method: "GET", path: A + "/sites",
			want: staff},
		{pattern: "GET /api/v1/meetings/{meeting}/documents/{doc}/annotated", variant: "confidential", method: "GET", path: A + "/documents/" + m.conf + "/annotated",
			want: meetingRoute(allowed(cSecretary, cChair, cDelegate).status(http.StatusForbidden, cPresenter, cCommittee, cObserver, cDisplay))},
		{pattern: "POST /api/v1/meetings/{meeting}/documents/{doc}/prepare", method: "POST", path: A + "/documents/" + m.conf + "/prepare",
			want: secretaryOnly},
		{pattern: "GET /api/v1/meetings/{meeting}/documents/{doc}/prepare", method: "GET", path: A + "/documents/" + m.conf + "/prepare",
			want: staff},
		{pattern: "GET /api/v1/meetings/{meeting}/packet.pdf", method: "GET", path: A + "/packet.pdf",
			want: everyoneOfA},
		{pattern: "GET /api/v1/meetings/{meeting}/minutes.pdf", method: "GET", path: A + "/minutes.pdf",
			want: staff},
		{pattern: "GET /api/v1/meetings/{meeting}/ballots.csv", method: "GET", path: A + "/ballots.csv",
			want: staff},
		{pattern: "GET /api/v1/meetings/{meeting}/elections/{election}/minutes.pdf", method: "GET", path: A + "/elections/bch/minutes.pdf",
			want: meetingRoute(allowed(cSecretary, cChair, cCommittee).status(http.StatusForbidden, cPresenter, cDelegate, cObserver, cDisplay))},
		// Signed records (issue 12): the chair and the secretaries, and the
		// counting committee for the counting minutes. The node signs with
		// a test certificate; the upload row sends a PDF that is not the
		// current version: the route is reached (409).
		{pattern: "GET /api/v1/meetings/{meeting}/records", method: "GET", path: A + "/records?record=minutes/vi", want: staff},
		{pattern: "GET /api/v1/meetings/{meeting}/records", variant: "counting minutes", method: "GET", path: A + "/records?record=counting/bch/vi",
			want: meetingRoute(allowed(cSecretary, cChair, cCommittee).status(http.StatusForbidden, cPresenter, cDelegate, cObserver, cDisplay))},
		{pattern: "POST /api/v1/meetings/{meeting}/records/issue", method: "POST", path: A + "/records/issue?record=minutes/vi", want: staff},
		{pattern: "POST /api/v1/meetings/{meeting}/records/sign", method: "POST", path: A + "/records/sign?record=minutes/vi", want: staff},
		{pattern: "POST /api/v1/meetings/{meeting}/records/sign", variant: "counting minutes", method: "POST", path: A + "/records/sign?record=counting/bch/vi",
			want: meetingRoute(allowed(cSecretary, cChair, cCommittee).status(http.StatusForbidden, cPresenter, cDelegate, cObserver, cDisplay))},
		{pattern: "GET /api/v1/meetings/{meeting}/records/file", method: "GET", path: A + "/records/file?record=minutes/vi", want: staff},
		{pattern: "PUT /api/v1/meetings/{meeting}/records/file", method: "PUT", path: A + "/records/file?record=minutes/vi",
			body: func(testing.TB, *caller) any { return m.pdf },
			want: meetingRoute(expect{}.status(http.StatusConflict, cSecretary, cChair).status(http.StatusForbidden, cPresenter, cDelegate, cCommittee, cObserver, cDisplay))},
		// Drafts for comment (issue 13): every reader of the draft reads the
		// comments they may see and compares versions; the drafting team
		// (here the chair and the secretaries) exports the table.
		{pattern: "GET /api/v1/meetings/{meeting}/drafts/{draft}/comments", method: "GET", path: A + "/drafts/" + m.doc + "/comments", want: everyoneOfA},
		{pattern: "GET /api/v1/meetings/{meeting}/drafts/{draft}/comments.pdf", method: "GET", path: A + "/drafts/" + m.doc + "/comments.pdf", want: staff},
		{pattern: "GET /api/v1/meetings/{meeting}/drafts/{draft}/comments.csv", method: "GET", path: A + "/drafts/" + m.doc + "/comments.csv", want: staff},
		{pattern: "GET /api/v1/meetings/{meeting}/drafts/{draft}/compare", method: "GET", path: A + "/drafts/" + m.doc + "/compare", want: everyoneOfA},
		// The copy register (issue 12): the chair's and the secretaries'.
		{pattern: "GET /api/v1/meetings/{meeting}/secrecy/register", method: "GET", path: A + "/secrecy/register",
			want: staff},
		{pattern: "GET /api/v1/meetings/{meeting}/secrecy/register.pdf", method: "GET", path: A + "/secrecy/register.pdf",
			want: staff},
		{pattern: "POST /api/v1/meetings", method: "POST", path: "/api/v1/meetings", body: newMeeting,
			// A secretary of any meeting makes a new one (she is its
			// secretary); the admin token names the secretary.
			want: allowed(cSecretary, cOther, cNodeAdmin).status(http.StatusForbidden, cChair, cPresenter, cDelegate, cCommittee, cObserver, cDisplay).rest(http.StatusUnauthorized)},
		{pattern: "POST /api/v1/meetings/{meeting}/invitations", method: "POST", path: A + "/invitations",
			body: jsonBody(map[string][]string{"participants": {"d2"}}), want: secretaryOnly},
		{pattern: "GET /api/v1/account/options", method: "GET", path: "/api/v1/account/options", want: public},
		{pattern: "POST /api/v1/setup/enrolment", method: "POST", path: "/api/v1/setup/enrolment", body: jsonBody(map[string]string{"id": "eve"}),
			// The node is set up: the first-run routes are gone for everyone.
			want: expect{}.rest(http.StatusNotFound)},
		{pattern: "POST /api/v1/setup", method: "POST", path: "/api/v1/setup",
			body: jsonBody(map[string]string{"setup_secret": "TEST-SETUP-SECRET", "id": "eve", "name": "Eve", "password": "eve's long password", "totp_secret": "JBSWY3DPEHPK3PXP", "totp_code": "123456"}),
			want: expect{}.rest(http.StatusNotFound)},
		{pattern: "POST /api/v1/account/login", method: "POST", path: "/api/v1/account/login",
			body: func(tb testing.TB, c *caller) any {
				if c.name == cAdmin {
					return map[string]string{"id": "huong", "password": adminPass, "code": account.TOTPCode(m.adminKey, time.Now().Add(30*time.Second))}
				}
				// Guesses at other logins, so that the administrator's
				// account is not locked by them (TestFirstRunAndAccounts
				// guesses hers).
				return map[string]string{"id": "guess-" + strings.ReplaceAll(c.name, " ", "-"), "password": "a guess", "code": "000000"}
			},
			// The credentials are the body: only the right password and
			// code, whatever else the request carries.
			want: allowed(cAdmin).rest(http.StatusUnauthorized)},
		{pattern: "GET /api/v1/account", method: "GET", path: "/api/v1/account", want: accountRoute},
		{pattern: "POST /api/v1/account/enrolment", method: "POST", path: "/api/v1/account/enrolment",
			// Both accounts have a second factor already: they reach the
			// route (409), everyone else is refused.
			want: expect{}.status(http.StatusConflict, cAdmin, cAccount).rest(http.StatusUnauthorized)},
		{pattern: "POST /api/v1/account/totp", method: "POST", path: "/api/v1/account/totp",
			body: func(testing.TB, *caller) any {
				k := account.NewTOTPSecret()
				return map[string]string{"secret": account.EncodeSecret(k), "code": account.TOTPCode(k, time.Now())}
			},
			want: expect{}.status(http.StatusConflict, cAdmin, cAccount).rest(http.StatusUnauthorized)},
		{pattern: "POST /api/v1/account/password", method: "POST", path: "/api/v1/account/password",
			// A wrong current password: the route is reached (403), nothing changes.
			body: jsonBody(map[string]string{"current": "not the password", "password": "a new long password 2026"}),
			want: expect{}.status(http.StatusForbidden, cAdmin, cAccount).rest(http.StatusUnauthorized)},
		{pattern: "GET /api/v1/account/meetings", method: "GET", path: "/api/v1/account/meetings", want: accountRoute},
		{pattern: "POST /api/v1/account/meetings", method: "POST", path: "/api/v1/account/meetings",
			body: jsonBody(map[string]string{"title": "Hội nghị của tài khoản", "starts_at": "2026-12-21T08:00:00+07:00"}), want: accountRoute},
		{pattern: "POST /api/v1/account/meetings/{meeting}/open", method: "POST", path: "/api/v1/account/meetings/" + meetingA + "/open",
			// Only an account linked to a participant of A (the administrator, to A's secretary).
			want: allowed(cAdmin).status(http.StatusForbidden, cAccount).rest(http.StatusUnauthorized)},
		{pattern: "GET /api/v1/account/sso/login", method: "GET", path: "/api/v1/account/sso/login",
			// No single sign-on on this node (TestSSOEndToEnd has one).
			want: expect{}.rest(http.StatusNotFound)},
		{pattern: "GET /api/v1/account/sso/callback", method: "GET", path: "/api/v1/account/sso/callback?state=x&code=y",
			want: expect{}.rest(http.StatusNotFound)},
		{pattern: "GET /api/v1/accounts", method: "GET", path: "/api/v1/accounts", want: adminRoute},
		{pattern: "POST /api/v1/accounts", method: "POST", path: "/api/v1/accounts", body: newAccount, want: adminRoute},
		{pattern: "POST /api/v1/accounts/{id}/{action}", variant: "disable", method: "POST", path: "/api/v1/accounts/" + targetAcct + "/disable", want: adminRoute},
		{pattern: "POST /api/v1/accounts/{id}/{action}", variant: "enable", method: "POST", path: "/api/v1/accounts/" + targetAcct + "/enable", want: adminRoute},
		{pattern: "POST /api/v1/accounts/{id}/{action}", variant: "reset-password", method: "POST", path: "/api/v1/accounts/" + targetAcct + "/reset-password", want: adminRoute},
		{pattern: "POST /api/v1/accounts/{id}/{action}", variant: "reset-totp", method: "POST", path: "/api/v1/accounts/" + targetAcct + "/reset-totp", want: adminRoute},
		{pattern: "POST /api/v1/accounts/{id}/{action}", variant: "an unknown action", method: "POST", path: "/api/v1/accounts/" + targetAcct + "/explode",
			// An unknown action is not found once the caller is signed in,
			// before their rights are looked at (each real action checks them).
			want: expect{}.status(http.StatusNotFound, cAdmin, cNodeAdmin, cAccount).rest(http.StatusUnauthorized)},
		{pattern: "POST /api/v1/meetings/{meeting}/participants/{participant}/account", method: "POST", path: A + "/participants/chair/account",
			body: jsonBody(map[string]string{"account": "binh"}),
			// A's secretary (meeting session) or an administrator (account);
			// everyone else is told who may (403), credentials or not.
			want: allowed(cSecretary, cAdmin).rest(http.StatusForbidden)},
		// Between meetings (issue 13): the office's staff (an
		// administrator, or a person marked staff) keep the registry; an
		// account that is a person sees its own calendar.
		{pattern: "GET /api/v1/people", method: "GET", path: "/api/v1/people", want: officeStaff},
		{pattern: "PUT /api/v1/people/{person}", method: "PUT", path: "/api/v1/people/p-matrix",
			body: jsonBody(map[string]string{"name": "Người thêm từ ma trận"}), want: officeStaff},
		{pattern: "GET /api/v1/people/{person}/calendar", method: "GET", path: "/api/v1/people/p-binh/calendar", want: officeStaff},
		{pattern: "POST /api/v1/people/{person}/feed", method: "POST", path: "/api/v1/people/p-binh/feed", want: officeStaff},
		{pattern: "DELETE /api/v1/people/{person}/feed", method: "DELETE", path: "/api/v1/people/p-binh/feed", want: officeStaff},
		{pattern: "GET /api/v1/committees", method: "GET", path: "/api/v1/committees", want: officeStaff},
		{pattern: "GET /api/v1/committees/{committee}", method: "GET", path: "/api/v1/committees/btv", want: officeStaff},
		{pattern: "PUT /api/v1/committees/{committee}", method: "PUT", path: "/api/v1/committees/matrix-c",
			body: jsonBody(map[string]any{"name": "Ban của ma trận", "members": []map[string]any{{"person": "p-ba"}}}), want: officeStaff},
		{pattern: "POST /api/v1/committees/{committee}/meetings", method: "POST", path: "/api/v1/committees/btv/meetings",
			body: jsonBody(map[string]string{"title": "Hội nghị Ban Thường vụ", "starts_at": "2026-12-22T08:00:00+07:00"}), want: officeStaff},
		{pattern: "GET /api/v1/account/calendar", method: "GET", path: "/api/v1/account/calendar", want: accountRoute},
		{pattern: "POST /api/v1/account/calendar/feed", method: "POST", path: "/api/v1/account/calendar/feed", want: accountRoute},
		{pattern: "DELETE /api/v1/account/calendar/feed", method: "DELETE", path: "/api/v1/account/calendar/feed", want: accountRoute},
		// The feed's secret is its credential: anyone with the URL reads it;
		// a guessed one is not found.
		{pattern: "GET /api/v1/calendar/{feed}", method: "GET", path: "/api/v1/calendar/" + m.feed + ".ics", want: public},
		{pattern: "GET /api/v1/calendar/{feed}", variant: "guessed", method: "GET", path: "/api/v1/calendar/" + strings.Repeat("x", 43) + ".ics",
			want: expect{}.rest(http.StatusNotFound)},
		// Written consultations (issue 13): staff prepare and remind; the
		// committee's chair (the plain account) approves and closes; a
		// member answers. The rows run in this order on one consultation.
		{pattern: "GET /api/v1/consultations", method: "GET", path: "/api/v1/consultations", want: accountRoute},
		{pattern: "POST /api/v1/consultations", method: "POST", path: "/api/v1/consultations",
			body: jsonBody(map[string]any{"committee": "btv", "title": "Phiếu của ma trận", "questions": []map[string]string{{"text": "Đồng ý?"}},
				"deadline": time.Now().Add(72 * time.Hour).Format(time.RFC3339)}), want: officeStaff},
		{pattern: "GET /api/v1/consultations/{consultation}", method: "GET", path: C, want: accountRoute},
		{pattern: "PUT /api/v1/consultations/{consultation}", method: "PUT", path: C,
			body: jsonBody(map[string]any{"title": "Lấy ý kiến của ma trận (sửa)", "questions": []map[string]string{{"text": "Đồng ý?"}},
				"deadline": time.Now().Add(72 * time.Hour).Format(time.RFC3339)}), want: officeStaff},
		{pattern: "POST /api/v1/consultations/{consultation}/documents", method: "POST", path: C + "/documents?title=them",
			body: func(testing.TB, *caller) any { return m.pdf }, want: officeStaff},
		{pattern: "GET /api/v1/consultations/{consultation}/documents/{doc}/file", method: "GET", path: C + "/documents/" + m.consultDoc + "/file", want: accountRoute},
		{pattern: "POST /api/v1/consultations/{consultation}/approve", method: "POST", path: C + "/approve", want: chairOnly},
		{pattern: "POST /api/v1/consultations/{consultation}/answers", method: "POST", path: C + "/answers",
			body: jsonBody(map[string]any{"answers": []map[string]string{{"question": "q1", "choice": "Đồng ý"}}}), want: chairOnly},
		{pattern: "POST /api/v1/consultations/{consultation}/remind", method: "POST", path: C + "/remind", want: officeStaff},
		{pattern: "GET /api/v1/consultations/{consultation}/events", method: "GET", path: C + "/events?after=0", want: accountRoute},
		{pattern: "GET /api/v1/consultations/{consultation}/summary.pdf", method: "GET", path: C + "/summary.pdf", want: accountRoute},
		{pattern: "POST /api/v1/consultations/{consultation}/close", method: "POST", path: C + "/close", want: chairOnly},
		// Conclusions (issue 13, part 4). In meeting A: its secretary
		// drafts and edits; the chair of matrix-kl is A's chair, who
		// approves from the console; a secretary or the chair publishes;
		// every participant reads the published ones.
		// Consultations on a tablet: every session of A reads (an empty
		// list: A was not made from a committee, so its session proves no
		// member); nobody of A answers for anyone (TestTabletAnswers has
		// the members of a committee's meeting).
		{pattern: "GET /api/v1/meetings/{meeting}/consultations", method: "GET", path: A + "/consultations", want: everyoneOfA},
		{pattern: "POST /api/v1/meetings/{meeting}/consultations/{consultation}/answers", method: "POST", path: A + "/consultations/" + m.consult + "/answers",
			body: jsonBody(map[string]any{"answers": []map[string]string{{"question": "q1", "choice": "Đồng ý"}}}),
			want: meetingRoute(allowed().status(http.StatusForbidden, inA...))},
		{pattern: "GET /api/v1/meetings/{meeting}/consultations/{consultation}/documents/{doc}/file", method: "GET",
			path: A + "/consultations/" + m.consult + "/documents/" + m.consultDoc + "/file", want: meetingRoute(allowed().status(http.StatusForbidden, inA...))},
		{pattern: "GET /api/v1/meetings/{meeting}/conclusions", method: "GET", path: A + "/conclusions", want: everyoneOfA},
		{pattern: "POST /api/v1/meetings/{meeting}/conclusions", method: "POST", path: A + "/conclusions",
			body: jsonBody(map[string]any{"committee": "matrix-kl", "agenda_item": "i2", "title": "Kết luận mới", "text": "Nội dung."}), want: secretaryOnly},
		{pattern: "PUT /api/v1/meetings/{meeting}/conclusions/{conclusion}", method: "PUT", path: A + "/conclusions/" + m.mK,
			body: jsonBody(map[string]any{"title": "Kết luận của ma trận (sửa)", "text": "Nội dung đã sửa."}), want: secretaryOnly},
		{pattern: "POST /api/v1/meetings/{meeting}/conclusions/{conclusion}/approve", method: "POST", path: A + "/conclusions/" + m.mK + "/approve",
			want: meetingRoute(allowed(cChair).status(http.StatusForbidden, cSecretary, cPresenter, cDelegate, cCommittee, cObserver, cDisplay))},
		{pattern: "POST /api/v1/meetings/{meeting}/conclusions/{conclusion}/publish", method: "POST", path: A + "/conclusions/" + m.mK + "/publish", want: staff},
		{pattern: "GET /api/v1/meetings/{meeting}/conclusions/{conclusion}/pdf", method: "GET", path: A + "/conclusions/" + m.mK + "/pdf", want: everyoneOfA},
		// The chair signs the meeting's approved conclusion from the
		// console (a session opened from the chair's account; the row
		// above approved it): nobody else's meeting session, the
		// secretary's included.
		{pattern: "GET /api/v1/meetings/{meeting}/conclusions/{conclusion}/record", method: "GET", path: A + "/conclusions/" + m.mK + "/record?record=conclusion/vi",
			want: meetingRoute(allowed(cChair).status(http.StatusForbidden, cSecretary, cPresenter, cDelegate, cCommittee, cObserver, cDisplay))},
		{pattern: "POST /api/v1/meetings/{meeting}/conclusions/{conclusion}/record/sign", method: "POST", path: A + "/conclusions/" + m.mK + "/record/sign?record=conclusion/vi",
			want: meetingRoute(allowed(cChair).status(http.StatusForbidden, cSecretary, cPresenter, cDelegate, cCommittee, cObserver, cDisplay))},
		{pattern: "GET /api/v1/meetings/{meeting}/conclusions/{conclusion}/record/file", method: "GET", path: A + "/conclusions/" + m.mK + "/record/file?record=conclusion/vi",
			want: meetingRoute(allowed(cChair).status(http.StatusForbidden, cSecretary, cPresenter, cDelegate, cCommittee, cObserver, cDisplay))},
		// In the office: the staff (the administrator) and the chair of
		// btv (the plain account) read; the chair approves; both publish;
		// staff remind; the assignee p-binh (the plain account) reports,
		// as the office may for them.
		{pattern: "GET /api/v1/conclusions", method: "GET", path: "/api/v1/conclusions", want: accountRoute},
		{pattern: "GET /api/v1/conclusions/{conclusion}", method: "GET", path: "/api/v1/conclusions/" + m.oK, want: accountRoute},
		{pattern: "POST /api/v1/conclusions/{conclusion}/approve", method: "POST", path: "/api/v1/conclusions/" + m.oK + "/approve", want: chairOnly},
		{pattern: "POST /api/v1/conclusions/{conclusion}/publish", method: "POST", path: "/api/v1/conclusions/" + m.oK + "/publish", want: accountRoute},
		{pattern: "POST /api/v1/conclusions/{conclusion}/remind", method: "POST", path: "/api/v1/conclusions/" + m.oK + "/remind", want: officeStaff},
		{pattern: "POST /api/v1/conclusions/{conclusion}/tasks/{task}/reports", method: "POST", path: "/api/v1/conclusions/" + m.oK + "/tasks/t1/reports",
			body: jsonBody(map[string]any{"percent": 30, "note": "Đang thực hiện"}), want: accountRoute},
		{pattern: "GET /api/v1/conclusions/{conclusion}/tasks/{task}/attachments/{doc}", method: "GET",
			path: "/api/v1/conclusions/" + m.oK2 + "/tasks/t1/attachments/" + m.oKDoc, want: accountRoute},
		{pattern: "GET /api/v1/conclusions/{conclusion}/pdf", method: "GET", path: "/api/v1/conclusions/" + m.oK + "/pdf", want: accountRoute},
		// The approved conclusion's PDF as a signed record: its chair (the
		// plain account) and the staff (the administrator) issue, sign on
		// the server, read and upload; an upload that is not the current
		// version signed is a conflict.
		{pattern: "GET /api/v1/conclusions/{conclusion}/record", method: "GET", path: "/api/v1/conclusions/" + m.oK2 + "/record?record=conclusion/vi", want: accountRoute},
		{pattern: "POST /api/v1/conclusions/{conclusion}/record/issue", method: "POST", path: "/api/v1/conclusions/" + m.oK2 + "/record/issue?record=conclusion/vi", want: accountRoute},
		{pattern: "POST /api/v1/conclusions/{conclusion}/record/sign", method: "POST", path: "/api/v1/conclusions/" + m.oK2 + "/record/sign?record=conclusion/vi", want: accountRoute},
		{pattern: "GET /api/v1/conclusions/{conclusion}/record/file", method: "GET", path: "/api/v1/conclusions/" + m.oK2 + "/record/file?record=conclusion/vi", want: accountRoute},
		{pattern: "PUT /api/v1/conclusions/{conclusion}/record/file", method: "PUT", path: "/api/v1/conclusions/" + m.oK2 + "/record/file?record=conclusion/vi",
			body: func(testing.TB, *caller) any { return m.pdf },
			want: expect{}.status(http.StatusConflict, cAdmin, cAccount).rest(http.StatusUnauthorized)},
		// A closed consultation's summary as a signed record: its chair
		// (the plain account) and the staff (the administrator).
		{pattern: "GET /api/v1/consultations/{consultation}/record", method: "GET", path: "/api/v1/consultations/" + m.consultClosed + "/record?record=summary/vi", want: accountRoute},
		{pattern: "POST /api/v1/consultations/{consultation}/record/issue", method: "POST", path: "/api/v1/consultations/" + m.consultClosed + "/record/issue?record=summary/vi", want: accountRoute},
		{pattern: "POST /api/v1/consultations/{consultation}/record/sign", method: "POST", path: "/api/v1/consultations/" + m.consultClosed + "/record/sign?record=summary/vi", want: accountRoute},
		{pattern: "GET /api/v1/consultations/{consultation}/record/file", method: "GET", path: "/api/v1/consultations/" + m.consultClosed + "/record/file?record=summary/vi", want: accountRoute},
		{pattern: "PUT /api/v1/consultations/{consultation}/record/file", method: "PUT", path: "/api/v1/consultations/" + m.consultClosed + "/record/file?record=summary/vi",
			body: func(testing.TB, *caller) any { return m.pdf },
			want: expect{}.status(http.StatusConflict, cAdmin, cAccount).rest(http.StatusUnauthorized)},
		{pattern: "GET /api/v1/account/tasks", method: "GET", path: "/api/v1/account/tasks", want: accountRoute},
		{pattern: "GET /api/v1/tasks/dashboard", method: "GET", path: "/api/v1/tasks/dashboard", want: accountRoute},
		{pattern: "GET /api/v1/tasks/dashboard.pdf", method: "GET", path: "/api/v1/tasks/dashboard.pdf", want: accountRoute},
		{pattern: "GET /healthz", method: "GET", path: "/healthz", want: public},
		{pattern: "GET /readyz", method: "GET", path: "/readyz", want: public},
		{pattern: "GET /metrics", method: "GET", path: "/metrics", want: allowed(cNodeAdmin).rest(http.StatusNotFound)},
		{pattern: "GET /dais-ca.pem", method: "GET", path: "/dais-ca.pem", want: public},
		{pattern: "GET /", method: "GET", path: "/", want: public},
		// The internal listener is for operators on a private interface:
		// the network is its boundary, not credentials.
		{pattern: "GET /healthz", internal: true, method: "GET", path: "/healthz", want: public},
		{pattern: "GET /readyz", internal: true, method: "GET", path: "/readyz", want: public},
		{pattern: "GET /metrics", internal: true, method: "GET", path: "/metrics", want: public},
		// A backup holds every meeting, session and account: only the
		// internal listener serves it (on the public one it is "GET /",
		// the web client or the status page, never the store).
		{pattern: "GET /backup", internal: true, method: "GET", path: "/backup", want: public},
		// A meeting's archive, likewise (every document as uploaded).
		{pattern: "GET /archive/{meeting}", internal: true, method: "GET", path: "/archive/" + meetingA, want: public},
		// A committee's archive: its consultations and conclusions.
		{pattern: "GET /archive/committee/{committee}", internal: true, method: "GET", path: "/archive/committee/btv", want: public},

		// Last: these end the callers' sessions. Signing out of a session
		// that has ended (or never was) is no error.
		// Signing out ends the account session of the token it is given, if
		// any, and clears the cookie: it needs no valid session.
		{pattern: "POST /api/v1/account/logout", method: "POST", path: "/api/v1/account/logout",
			want: allowed(routeCallers...)},
		{pattern: "POST /api/v1/sign-out", method: "POST", path: "/api/v1/sign-out",
			want: allowed(append(inA, cOther, cRemoved, cRevoked, cNodeAdmin)...).rest(http.StatusUnauthorized)},
	}
}

// wsSample is a sample of commands sent through the real WebSocket, with
// what each caller connected to A gets (as meeting/matrix_test.go says).
type wsCase struct {
	cmd  meeting.Command
	want map[string]meeting.Code // "" allowed
}

var wsSample = []wsCase{
	{meeting.EnterPaperBallot{Poll: "bch-r1", Room: "r2", Sheet: 1, Marks: "1"},
		// Only the counting committee types the paper ballots of a round.
		map[string]meeting.Code{cSecretary: meeting.Forbidden, cChair: meeting.Forbidden, cPresenter: meeting.Forbidden, cDelegate: meeting.Forbidden, cCommittee: "", cObserver: meeting.Forbidden, cDisplay: meeting.Forbidden}},
	{meeting.AddAgendaItem{Item: meeting.Item{ID: "ws-item", Title: "Mục thêm qua WebSocket"}},
		map[string]meeting.Code{cSecretary: "", cChair: meeting.Forbidden, cPresenter: meeting.Forbidden, cDelegate: meeting.Forbidden, cCommittee: meeting.Forbidden, cObserver: meeting.Forbidden, cDisplay: meeting.Forbidden}},
	{meeting.TurnPage{Page: 2},
		map[string]meeting.Code{cSecretary: meeting.Forbidden, cChair: meeting.Conflict /* nothing shown yet */, cPresenter: meeting.Conflict, cDelegate: meeting.Forbidden, cCommittee: meeting.Forbidden, cObserver: meeting.Forbidden, cDisplay: meeting.Forbidden}},
	{meeting.RequestFloor{},
		map[string]meeting.Code{cSecretary: "", cChair: "", cPresenter: "", cDelegate: "", cCommittee: "", cObserver: meeting.Forbidden, cDisplay: meeting.Forbidden}},
	{meeting.CheckIn{Participant: "d2"},
		map[string]meeting.Code{cSecretary: "", cChair: "", cPresenter: "", cDelegate: meeting.Forbidden, cCommittee: meeting.Forbidden, cObserver: meeting.Forbidden, cDisplay: meeting.Forbidden}},
	{meeting.GiveFloor{Participant: "d1"},
		map[string]meeting.Code{cSecretary: meeting.Forbidden, cChair: "", cPresenter: meeting.Forbidden, cDelegate: meeting.Forbidden, cCommittee: meeting.Forbidden, cObserver: meeting.Forbidden, cDisplay: meeting.Forbidden}},
}

// secrecySample is the WebSocket sample of issue 12's commands on the
// matrix's documents: a take-back is the secretary's or the chair's (of
// the public document they are told it is not secret; the confidential
// one, Mật, the secretary takes back, then the chair's is a no-op); a
// tablet's report of deleted copies is anyone's, a display's too (no copy
// was out on device tab-1: a no-op).
func (m *matrix) secrecySample() []wsCase {
	staff := func(code meeting.Code) map[string]meeting.Code {
		return map[string]meeting.Code{cSecretary: code, cChair: code, cPresenter: meeting.Forbidden, cDelegate: meeting.Forbidden, cCommittee: meeting.Forbidden, cObserver: meeting.Forbidden, cDisplay: meeting.Forbidden}
	}
	return []wsCase{
		{meeting.TakeBackDocument{Document: m.doc}, staff(meeting.Invalid)},
		{meeting.TakeBackDocument{Document: m.conf}, staff("")},
		{meeting.ConfirmDeletion{Device: "tab-1", Documents: []string{m.conf}},
			map[string]meeting.Code{cSecretary: "", cChair: "", cPresenter: "", cDelegate: "", cCommittee: "", cObserver: "", cDisplay: ""}},
	}
}

// TestRouteMatrix sends every row as every caller and checks the status
// (or the WebSocket's close code); then a sample of commands through the
// WebSocket of each caller of A, and of another meeting's secretary.
func TestRouteMatrix(t *testing.T) {
	m := newMatrix(t)
	rows := m.routeRows()

	// Complete by construction: every mounted pattern has a row, every row
	// a mounted pattern, every row a word for every caller.
	mounted := map[string]bool{}
	for _, p := range m.n.routes.Patterns() {
		mounted[p] = true
	}
	for _, p := range m.n.internalRoutes.Patterns() {
		mounted["internal "+p] = true
	}
	covered := map[string]bool{}
	for _, r := range rows {
		key := r.pattern
		if r.internal {
			key = "internal " + key
		}
		covered[key] = true
		if !mounted[key] {
			t.Errorf("row %s: the node mounts no such pattern", r.label())
		}
		var missing []string
		for _, c := range routeCallers {
			if _, ok := r.want[c]; !ok {
				missing = append(missing, c)
			}
		}
		if len(missing) > 0 || len(r.want) != len(routeCallers) {
			t.Errorf("row %s: no expectation for %v (or one for an unknown caller)", r.label(), missing)
		}
	}
	var uncovered []string
	for p := range mounted {
		if !covered[p] {
			uncovered = append(uncovered, p)
		}
	}
	sort.Strings(uncovered)
	for _, p := range uncovered {
		t.Errorf("route %q has no row in the role × action matrix (cmd/daisd/matrix_test.go, routeRows): say who may call it", p)
	}
	// The contract (docs/openapi*.yaml) describes the same routes.
	m.checkMounted(t)
	if t.Failed() {
		t.FailNow()
	}

	for _, r := range rows {
		for _, name := range routeCallers {
			c := m.callers[name]
			want := r.want[name]
			if r.method == "WS" {
				cl, got := m.dial(t, c)
				if got != want {
					t.Errorf("%s as %s: close code %d, want %d (0: connected)", r.label(), name, got, want)
				}
				if cl != nil {
					meetingID := meetingA
					if name == cOther {
						meetingID = meetingB
					}
					if st := cl.State(); st == nil || st.ID != meetingID {
						t.Errorf("%s as %s: connected to %v, want %s", r.label(), name, st, meetingID)
					}
					_ = cl.Close()
				}
				continue
			}
			var body any
			if r.body != nil {
				body = r.body(t, c)
			}
			got, data := m.send(t, c, r.method, m.url(r.path, r.internal), body)
			pass := got == want || (want == ok && got >= 200 && got < 400)
			if !pass {
				wantS := fmt.Sprint(want)
				if want == ok {
					wantS = "2xx/3xx"
				}
				t.Errorf("%s %s as %s: %d, want %s: %.200s", r.method, r.path, name, got, wantS, data)
			}
		}
	}

	// GET /ws without a WebSocket handshake is a plain request the
	// contract describes (the rows above dial it); then every operation of
	// the contract has been validated at least once.
	if st, body := m.do(t, m.callers[cNobody], "GET", "/ws", nil); st != http.StatusBadRequest {
		t.Errorf("GET /ws without a handshake: %d %.200s, want 400", st, body)
	}
	m.checkHandshake(t)
	m.checkValidated(t)

	// The WebSocket enforces the core's matrix: a sample of commands from
	// each caller of A. Fresh sessions (the rows above signed out).
	ids := map[string]string{cSecretary: "sec", cChair: "chair", cPresenter: "d2", cDelegate: "d1", cCommittee: "k1", cObserver: "obs", cDisplay: "disp"}
	conns := map[string]*daisclient.Client{}
	for name, id := range ids {
		c := *m.callers[name]
		c.bearer = tokenFor(t, m.n, meetingA, id)
		cl, code := m.dial(t, &c)
		if code != ok {
			t.Fatalf("%s: close code %d", name, code)
		}
		conns[name] = cl
	}
	for _, s := range append(slices.Clone(wsSample), m.secrecySample()...) {
		for name := range ids {
			if _, ok := s.want[name]; !ok {
				t.Errorf("WebSocket sample %s: no expectation for %s", s.cmd.CommandName(), name)
			}
		}
		names := make([]string, 0, len(s.want))
		for n := range s.want {
			names = append(names, n)
		}
		slices.SortFunc(names, func(a, b string) int { return slices.Index(routeCallers, a) - slices.Index(routeCallers, b) })
		for _, name := range names {
			want := s.want[name]
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, err := conns[name].Do(ctx, s.cmd)
			cancel()
			if want == "" {
				if err != nil {
					t.Errorf("WebSocket %s as %s: refused %v, want allowed", s.cmd.CommandName(), name, err)
				}
				continue
			}
			if got := meeting.ErrorCode(err); got != want {
				t.Errorf("WebSocket %s as %s: %v, want %s", s.cmd.CommandName(), name, err, want)
			}
		}
	}
	// Another meeting's secretary, connected to B, changes B only: the
	// same command names her own meeting, never A.
	c := *m.callers[cOther]
	c.bearer = tokenFor(t, m.n, meetingB, "sec")
	other, code := m.dial(t, &c)
	if code != ok {
		t.Fatalf("B's secretary: close code %d", code)
	}
	before, err := m.n.svc.State(context.Background(), meetingA)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := other.Do(ctx, meeting.AddAgendaItem{Item: meeting.Item{ID: "b-item", Title: "Mục của hội nghị B"}}); err != nil {
		t.Fatalf("B's secretary in B: %v", err)
	}
	after, err := m.n.svc.State(context.Background(), meetingA)
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != before.Version || after.Item("b-item") != nil {
		t.Fatal("a command of B's secretary changed meeting A")
	}
	if st, err := m.n.svc.State(context.Background(), meetingB); err != nil || st.Item("b-item") == nil {
		t.Fatalf("B's item is not in B: %v", err)
	}
}
