package access_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/access"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage/bolt"
)

const mid = "access-test"

// fixture is the small meeting over a real bbolt store, with its command
// service and access.
type fixture struct {
	store *bolt.Store
	svc   *service.Service
	acc   *access.Service
}

func newFixture(tb testing.TB, opt access.Options) *fixture {
	tb.Helper()
	store, err := bolt.Open(tb.TempDir(), bolt.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = store.Close() })
	f := &fixture{store: store, svc: service.New(store, nil, service.Options{})}
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

func TestJoinOnce(t *testing.T) {
	f := newFixture(t, access.Options{})
	ctx := context.Background()
	code, err := f.acc.Invite(ctx, mid, "d2")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var ok atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.acc.Join(ctx, code); err == nil {
				ok.Add(1)
			} else if meeting.ErrorCode(err) != meeting.Unauthorized {
				t.Errorf("join: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d joins succeeded with one code", ok.Load())
	}
	if _, err := f.acc.Invite(ctx, mid, "nobody"); meeting.ErrorCode(err) != meeting.NotFound {
		t.Fatalf("invite of a stranger: %v", err)
	}
	// Typed in lower case without the dash, a code still works.
	code, _ = f.acc.Invite(ctx, mid, "d3")
	sess, err := f.acc.Join(ctx, strings.ToLower(strings.ReplaceAll(code, "-", "")))
	if err != nil || sess.Participant != "d3" || sess.Role != meeting.RoleDelegate {
		t.Fatalf("join %+v %v", sess, err)
	}
	if _, err := f.acc.Authenticate(ctx, sess.Token); err != nil {
		t.Fatal(err)
	}
}
