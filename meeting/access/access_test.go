package access_test

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage/bolt"
)

const mid = "access-test"

// clock is a settable clock shared by the store and access.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// fixture is the small meeting over a real bbolt store, with its command
// service and access.
type fixture struct {
	dir   string
	clock *clock
	store *bolt.Store
	svc   *service.Service
	acc   *access.Service
}

func newFixture(tb testing.TB, opt access.Options) *fixture {
	tb.Helper()
	f := &fixture{dir: tb.TempDir(), clock: &clock{now: time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)}}
	store, err := bolt.Open(f.dir, bolt.Options{Now: f.clock.Now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = store.Close() })
	f.store = store
	f.svc = service.New(store, nil, service.Options{Now: f.clock.Now})
	opt.Now = f.clock.Now
	f.acc = access.New(store, f.svc, opt)
	for _, c := range meetingtest.SmallMeeting(mid) {
		f.do(tb, meetingtest.Secretary.Participant, c)
	}
	return f
}

func (f *fixture) do(tb testing.TB, who string, cmd meeting.Command) {
	tb.Helper()
	if _, err := f.svc.Execute(context.Background(), mid, meeting.Actor{Participant: who}, cmd); err != nil {
		tb.Fatalf("%s %s: %v", who, cmd.CommandName(), err)
	}
}

func (f *fixture) invite(tb testing.TB, who string) string {
	tb.Helper()
	code, err := f.acc.Invite(context.Background(), mid, who)
	if err != nil {
		tb.Fatalf("invite %s: %v", who, err)
	}
	return code
}

func (f *fixture) join(tb testing.TB, who string) access.Session {
	tb.Helper()
	sess, err := f.acc.Join(context.Background(), f.invite(tb, who))
	if err != nil {
		tb.Fatalf("join %s: %v", who, err)
	}
	return sess
}

func (f *fixture) secretary(tb testing.TB) access.Session {
	tb.Helper()
	return f.join(tb, meetingtest.Secretary.Participant)
}

func wantUnauthorized(tb testing.TB, what string, err error, revoked bool) {
	tb.Helper()
	if meeting.ErrorCode(err) != meeting.Unauthorized {
		tb.Fatalf("%s: %v, want Unauthorized", what, err)
	}
	if errors.Is(err, access.ErrRevoked) != revoked {
		tb.Fatalf("%s: %v, revoked %v, want %v", what, err, errors.Is(err, access.ErrRevoked), revoked)
	}
}

var codeShape = regexp.MustCompile(`^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{5}$`)

func TestCodeShapeAndTyping(t *testing.T) {
	f := newFixture(t, access.Options{})
	ctx := context.Background()
	seen := map[string]bool{}
	for range 200 {
		c := f.invite(t, "d1")
		if !codeShape.MatchString(c) || seen[c] {
			t.Fatalf("code %q: not 13 symbols of the alphabet in groups 4-4-5, or repeated", c)
		}
		seen[c] = true
	}
	for name, typed := range map[string]func(string) string{
		"as shown":         func(c string) string { return c },
		"lower case":       strings.ToLower,
		"no dashes":        func(c string) string { return strings.ReplaceAll(c, "-", "") },
		"spaces":           func(c string) string { return strings.ReplaceAll(c, "-", " ") },
		"padded":           func(c string) string { return "  " + strings.ToLower(c) + "\t" },
		"en dash, grouped": func(c string) string { return strings.ReplaceAll(c, "-", "–") },
	} {
		t.Run(name, func(t *testing.T) {
			code := f.invite(t, "d2")
			sess, err := f.acc.Join(ctx, typed(code))
			if err != nil || sess.Participant != "d2" || sess.Role != meeting.RoleDelegate || sess.Token == "" || len(sess.ID) != 16 {
				t.Fatalf("join %q: %+v %v", typed(code), sess, err)
			}
		})
	}
	for _, bad := range []string{"", "K7Q2-M4XP", "K7Q2-M4XP-A9RT0", "K7Q2-M4XP-A9RTWX", "K7Q2-M4XP-A9RTI", strings.Repeat("A", 10000)} {
		if _, err := f.acc.Join(ctx, bad); meeting.ErrorCode(err) != meeting.Unauthorized {
			t.Errorf("join %.20q: %v, want Unauthorized", bad, err)
		}
	}
}

func TestJoinOnce(t *testing.T) {
	f := newFixture(t, access.Options{})
	ctx := context.Background()
	code := f.invite(t, "d2")
	var wg sync.WaitGroup
	var ok atomic.Int64
	for range 8 {
		wg.Go(func() {
			if _, err := f.acc.Join(ctx, code); err == nil {
				ok.Add(1)
			} else if meeting.ErrorCode(err) != meeting.Unauthorized {
				t.Errorf("join: %v", err)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d joins succeeded with one code", ok.Load())
	}
	if _, err := f.acc.Invite(ctx, mid, "nobody"); meeting.ErrorCode(err) != meeting.NotFound {
		t.Fatalf("invite of a stranger: %v", err)
	}
}

// TestJoinWhereRefusedKeepsCode: a code refused by the place it was typed
// at (a bridge site whose room the meeting lacks) is not spent — it still
// opens a session where it belongs, once — and allow sees the code's
// meeting.
func TestJoinWhereRefusedKeepsCode(t *testing.T) {
	f := newFixture(t, access.Options{})
	ctx := context.Background()
	code := f.invite(t, "d2")
	var asked string
	refuse := func(_ context.Context, m string) error {
		asked = m
		return meeting.Errorf(meeting.Forbidden, "không phục vụ", "not served here")
	}
	if _, err := f.acc.JoinWhere(ctx, code, refuse); meeting.ErrorCode(err) != meeting.Forbidden {
		t.Fatalf("refused join: %v, want the place's Forbidden", err)
	}
	if asked != mid {
		t.Fatalf("allow asked about %q, want %q", asked, mid)
	}
	sess, err := f.acc.JoinWhere(ctx, code, func(context.Context, string) error { return nil })
	if err != nil || sess.Participant != "d2" {
		t.Fatalf("the code after a refusal: %+v, %v", sess, err)
	}
	if _, err := f.acc.Join(ctx, code); meeting.ErrorCode(err) != meeting.Unauthorized {
		t.Fatalf("the code a second time: %v, want it spent", err)
	}
}

// TestReissueRevokesOlderCode: the attack of a code handed out earlier (a
// printed sheet left in the room) after the participant got a new one.
func TestReissueRevokesOlderCode(t *testing.T) {
	f := newFixture(t, access.Options{})
	ctx := context.Background()
	old := f.invite(t, "d1")
	other := f.invite(t, "d2")
	sec := f.secretary(t)
	invs, err := f.acc.Invitations(ctx, sec, []string{"d1"})
	if err != nil || len(invs) != 1 {
		t.Fatalf("Invitations: %+v %v", invs, err)
	}
	if _, err := f.acc.Join(ctx, old); meeting.ErrorCode(err) != meeting.Unauthorized {
		t.Fatalf("the replaced code still admits: %v", err)
	}
	if s, err := f.acc.Join(ctx, invs[0].Code); err != nil || s.Participant != "d1" {
		t.Fatalf("the new code: %+v %v", s, err)
	}
	if s, err := f.acc.Join(ctx, other); err != nil || s.Participant != "d2" {
		t.Fatalf("another participant's code was revoked too: %+v %v", s, err)
	}
}

func TestExpiredCodeRefused(t *testing.T) {
	f := newFixture(t, access.Options{CodeTTL: time.Hour})
	code := f.invite(t, "d1")
	f.clock.add(time.Hour + time.Second)
	if _, err := f.acc.Join(context.Background(), code); meeting.ErrorCode(err) != meeting.Unauthorized {
		t.Fatalf("an expired code admits: %v", err)
	}
	code = f.invite(t, "d1")
	f.clock.add(59 * time.Minute)
	if _, err := f.acc.Join(context.Background(), code); err != nil {
		t.Fatalf("a code within its hour: %v", err)
	}
}

// TestNoSecretStoredInClear reads the data file after codes were made and
// sessions opened, and finds neither a code (in any typed form) nor a token.
func TestNoSecretStoredInClear(t *testing.T) {
	f := newFixture(t, access.Options{})
	ctx := context.Background()
	var secrets []string
	for _, p := range []string{"d1", "d2", "d3"} {
		code := f.invite(t, p)
		secrets = append(secrets, code, strings.ReplaceAll(code, "-", ""))
	}
	unused := f.invite(t, "chair")
	secrets = append(secrets, unused, strings.ReplaceAll(unused, "-", ""))
	for _, c := range secrets[:6:6] {
		if strings.Contains(c, "-") {
			sess, err := f.acc.Join(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			secrets = append(secrets, sess.Token)
		}
	}
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}
	var data []byte
	_ = filepath.Walk(f.dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(path)
			data = append(data, b...)
		}
		return nil
	})
	if len(data) == 0 {
		t.Fatal("read nothing")
	}
	for _, s := range secrets {
		if bytes.Contains(data, []byte(s)) {
			t.Errorf("the stored data holds %q in clear", s)
		}
	}
}

func TestSessionLifetime(t *testing.T) {
	f := newFixture(t, access.Options{SessionTTL: 12 * time.Hour, SessionMaxAge: 48 * time.Hour})
	ctx := context.Background()
	sess := f.join(t, "d1")
	// Used every 6 hours it lives on, up to its maximum age.
	for range 7 {
		f.clock.add(6 * time.Hour)
		if _, err := f.acc.Authenticate(ctx, sess.Token); err != nil {
			t.Fatalf("a session used every 6 h died: %v", err)
		}
	}
	f.clock.add(6*time.Hour + time.Second) // 48 h after it was opened
	_, err := f.acc.Authenticate(ctx, sess.Token)
	wantUnauthorized(t, "past the maximum age", err, false)
	// Left unused longer than its TTL it ends.
	sess = f.join(t, "d2")
	f.clock.add(12*time.Hour + time.Second)
	_, err = f.acc.Authenticate(ctx, sess.Token)
	wantUnauthorized(t, "unused past its TTL", err, false)
}

func TestSignOut(t *testing.T) {
	f := newFixture(t, access.Options{})
	ctx := context.Background()
	sess := f.join(t, "d1")
	other := f.join(t, "d1")
	if err := f.acc.SignOut(ctx, sess.Token); err != nil {
		t.Fatal(err)
	}
	_, err := f.acc.Authenticate(ctx, sess.Token)
	wantUnauthorized(t, "after sign-out", err, false)
	if _, err := f.acc.Authenticate(ctx, other.Token); err != nil {
		t.Fatalf("signing out one device ended another: %v", err)
	}
}

// TestRevoke: a secretary revokes one tablet, then all of a participant's;
// removal and re-adding revive nothing.
func TestRevoke(t *testing.T) {
	f := newFixture(t, access.Options{})
	ctx := context.Background()
	sec := f.secretary(t)
	a, b := f.join(t, "d1"), f.join(t, "d1")

	if _, err := f.acc.Revoke(ctx, a, "d1", ""); meeting.ErrorCode(err) != meeting.Forbidden {
		t.Fatalf("a delegate revoked: %v", err)
	}
	list, err := f.acc.Sessions(ctx, sec, "d1")
	if err != nil || len(list) != 2 {
		t.Fatalf("Sessions: %+v %v", list, err)
	}
	if n, err := f.acc.Revoke(ctx, sec, "d1", a.ID); err != nil || n != 1 {
		t.Fatalf("revoke one: %d %v", n, err)
	}
	_, err = f.acc.Authenticate(ctx, a.Token)
	wantUnauthorized(t, "the revoked session", err, true)
	if _, err := f.acc.Authenticate(ctx, b.Token); err != nil {
		t.Fatalf("revoking one session ended the other: %v", err)
	}
	if list, _ := f.acc.Sessions(ctx, sec, "d1"); len(list) != 1 || list[0].ID != b.ID {
		t.Fatalf("Sessions after revoking one: %+v", list)
	}
	if _, err := f.acc.Revoke(ctx, sec, "d1", "0000000000000000"); meeting.ErrorCode(err) != meeting.NotFound {
		t.Fatalf("revoking an unknown session: %v", err)
	}

	code := f.invite(t, "d1")
	if n, err := f.acc.Revoke(ctx, sec, "d1", ""); err != nil || n != 1 {
		t.Fatalf("revoke all: %d %v", n, err)
	}
	_, err = f.acc.Authenticate(ctx, b.Token)
	wantUnauthorized(t, "after revoke-all", err, true)
	if _, err := f.acc.Join(ctx, code); meeting.ErrorCode(err) != meeting.Unauthorized {
		t.Fatalf("a code made before revoke-all admits: %v", err)
	}
	// The next sign-in needs a new code, and works with one.
	if _, err := f.acc.Authenticate(ctx, f.join(t, "d1").Token); err != nil {
		t.Fatalf("a new code after revocation: %v", err)
	}
}

// TestRemovedAndReaddedRevivesNothing: finding 8, the old codes and tokens
// of a removed id must not work when the id is added again.
func TestRemovedAndReaddedRevivesNothing(t *testing.T) {
	f := newFixture(t, access.Options{})
	ctx := context.Background()
	sess := f.join(t, "d3")
	code := f.invite(t, "d3")
	link, _, err := f.acc.Link(sess, "GET", "/api/v1/meetings/"+mid+"/packet.pdf")
	if err != nil {
		t.Fatal(err)
	}
	f.do(t, "sec", meeting.RemoveParticipant{Participant: "d3"})
	_, err = f.acc.Authenticate(ctx, sess.Token)
	wantUnauthorized(t, "a removed participant's session", err, true)
	f.do(t, "sec", meeting.AddParticipant{Participant: meeting.Participant{ID: "d3", Name: "Người được thêm lại", Role: meeting.RoleDelegate, Room: "main"}})
	_, err = f.acc.Authenticate(ctx, sess.Token)
	wantUnauthorized(t, "the old session after re-adding the id", err, true)
	if _, err := f.acc.Join(ctx, code); meeting.ErrorCode(err) != meeting.Unauthorized {
		t.Fatalf("the old code after re-adding the id: %v", err)
	}
	u, _ := url.Parse(link)
	_, err = f.acc.AuthenticateLink(ctx, "GET", u.Path, u.Query())
	wantUnauthorized(t, "the old link after re-adding the id", err, true)
	if s := f.join(t, "d3"); s.Participant != "d3" {
		t.Fatalf("the re-added participant cannot join with a new code: %+v", s)
	}
}

func TestSignedLinks(t *testing.T) {
	f := newFixture(t, access.Options{LinkTTL: 5 * time.Minute})
	ctx := context.Background()
	sess := f.join(t, "d1")
	path := "/api/v1/meetings/" + mid + "/documents/doc1/annotated"
	link, exp, err := f.acc.Link(sess, "GET", path)
	if err != nil || !exp.After(f.clock.Now()) {
		t.Fatalf("Link: %q %v %v", link, exp, err)
	}
	if strings.Contains(link, sess.Token) {
		t.Fatalf("the link %q carries the token", link)
	}
	u, _ := url.Parse(link)
	got, err := f.acc.AuthenticateLink(ctx, "GET", u.Path, u.Query())
	if err != nil || got.Participant != "d1" || got.Meeting != mid || got.Token != "" {
		t.Fatalf("AuthenticateLink: %+v %v", got, err)
	}
	q := u.Query()
	tamper := func(k, v string) url.Values {
		c := url.Values{}
		for kk, vv := range q {
			c[kk] = append([]string(nil), vv...)
		}
		c.Set(k, v)
		return c
	}
	other := f.join(t, "d2")
	for name, c := range map[string]struct {
		method, path string
		q            url.Values
	}{
		"another path":    {"GET", "/api/v1/meetings/" + mid + "/documents/doc1/file", q},
		"another method":  {"POST", path, q},
		"later expiry":    {"GET", path, tamper("exp", "9999999999")},
		"another session": {"GET", path, tamper("sid", strings.Repeat("a", 64))},
		"no signature":    {"GET", path, tamper("sig", "")},
	} {
		if _, err := f.acc.AuthenticateLink(ctx, c.method, c.path, c.q); meeting.ErrorCode(err) != meeting.Unauthorized {
			t.Errorf("%s: %v, want Unauthorized", name, err)
		}
	}
	for _, bad := range []string{"/api/v1/meetings/other/packet.pdf", "/api/v1/session", path + "?x=1"} {
		if _, _, err := f.acc.Link(other, "GET", bad); meeting.ErrorCode(err) != meeting.Invalid {
			t.Errorf("signing %q: %v, want Invalid", bad, err)
		}
	}
	if _, _, err := f.acc.Link(other, "POST", path); meeting.ErrorCode(err) != meeting.Invalid {
		t.Errorf("signing a POST: %v", err)
	}
	f.clock.add(5*time.Minute + time.Second)
	if _, err := f.acc.AuthenticateLink(ctx, "GET", u.Path, u.Query()); meeting.ErrorCode(err) != meeting.Unauthorized {
		t.Fatalf("an expired link: %v", err)
	}
	// A link dies with its session.
	link, _, _ = f.acc.Link(other, "GET", path)
	u, _ = url.Parse(link)
	if err := f.acc.SignOut(ctx, other.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := f.acc.AuthenticateLink(ctx, "GET", u.Path, u.Query()); meeting.ErrorCode(err) != meeting.Unauthorized {
		t.Fatalf("a signed-out session's link: %v", err)
	}
}

// TestEndAccountSessions: disabling an account ends the sessions it opened
// (the chair's console, the secretary's workspace and the meeting the
// workspace made), each a SessionsRevoked in its meeting's log naming the
// account and the administrator; the chair's tablet joined with a code and
// another account's session live on; running it again ends nothing more.
func TestEndAccountSessions(t *testing.T) {
	f := newFixture(t, access.Options{})
	ctx := context.Background()
	console, err := f.acc.OpenFor(ctx, mid, meetingtest.Chair, "binh", meeting.RoleChair)
	if err != nil {
		t.Fatal(err)
	}
	work, err := f.acc.OpenFor(ctx, mid, meetingtest.Secretary.Participant, "binh", meeting.RoleSecretary)
	if err != nil {
		t.Fatal(err)
	}
	made, err := f.acc.CreateMeetingAs(ctx, work, access.NewMeeting{Title: "Họp tiếp", StartsAt: f.clock.Now().Add(24 * time.Hour)})
	if err != nil || made.Account != "binh" {
		t.Fatalf("a meeting made from the account's workspace: %+v, %v; want binh's session", made, err)
	}
	tablet := f.join(t, meetingtest.Chair)
	other, err := f.acc.OpenFor(ctx, mid, meetingtest.Chair, "phuong", meeting.RoleChair)
	if err != nil {
		t.Fatal(err)
	}

	n, err := f.acc.EndAccountSessions(ctx, "binh", "huong")
	if err != nil || n != 3 {
		t.Fatalf("EndAccountSessions = %d, %v; want 3", n, err)
	}
	for _, s := range []access.Session{console, work, made} {
		_, err := f.acc.Authenticate(ctx, s.Token)
		wantUnauthorized(t, "binh's session in "+s.Meeting, err, true)
	}
	for _, s := range []access.Session{tablet, other} {
		if _, err := f.acc.Authenticate(ctx, s.Token); err != nil {
			t.Fatalf("a session binh did not open was ended: %v", err)
		}
	}
	evs, err := f.svc.ReadEvents(ctx, mid, 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var logged []meeting.SessionsRevoked
	for _, e := range evs {
		if d, ok := e.Data.(meeting.SessionsRevoked); ok {
			if e.Actor != "" {
				t.Fatalf("the revocation has actor %q", e.Actor)
			}
			logged = append(logged, d)
		}
	}
	if len(logged) != 2 || logged[0].Account != "binh" || logged[0].By != "huong" {
		t.Fatalf("the log records %+v; want binh's two sessions, by huong", logged)
	}
	if n, err := f.acc.EndAccountSessions(ctx, "binh", "huong"); err != nil || n != 0 {
		t.Fatalf("again: %d, %v; want nothing", n, err)
	}
}
