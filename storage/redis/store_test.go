package redis

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/redis/redistest"
)

func TestNewRejectsBadOptions(t *testing.T) {
	client := goredis.NewClient(&goredis.Options{Addr: redistest.SharedAddr})
	defer client.Close()
	tests := []struct {
		name string
		opt  Options
	}{
		{"brace in prefix", Options{Prefix: "a{b"}},
		{"negative chunk", Options{ChunkSize: -1}},
		{"negative ttl", Options{UploadTTL: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(client, tt.opt); err == nil {
				t.Fatal("New accepted bad options")
			}
		})
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Fatal("New accepted a nil client")
	}
}

func TestLog(t *testing.T) {
	s := mustOpen(t, Options{})
	ctx := testCtx(t)
	// Ids that would collide if keys were built by plain concatenation.
	ids := []string{"m:1", "m", "m}:x", "{m}", "m%3A1"}
	for i, id := range ids {
		for n := range i + 1 {
			ev := fmt.Appendf(nil, "%s-%d", id, n+1)
			last, err := s.Append(ctx, id, uint64(n), [][]byte{ev})
			if err != nil || last != uint64(n+1) {
				t.Fatalf("Append(%q, %d) = %d, %v; want %d", id, n, last, err, n+1)
			}
		}
	}
	for i, id := range ids {
		v, err := s.Version(ctx, id)
		if err != nil || v != uint64(i+1) {
			t.Errorf("Version(%q) = %d, %v; want %d", id, v, err, i+1)
		}
		recs, err := s.Read(ctx, id, 0, 0)
		if err != nil || len(recs) != i+1 {
			t.Fatalf("Read(%q) = %d records, %v; want %d", id, len(recs), err, i+1)
		}
		for j, r := range recs {
			if want := fmt.Sprintf("%s-%d", id, j+1); r.Seq != uint64(j+1) || string(r.Data) != want {
				t.Errorf("Read(%q)[%d] = %d %q; want %d %q", id, j, r.Seq, r.Data, j+1, want)
			}
		}
	}
	got, err := s.Meetings(ctx)
	want := slices.Sorted(slices.Values(ids))
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Meetings = %q, %v; want %q", got, err, want)
	}

	t.Run("batch and ranges", func(t *testing.T) {
		var evs [][]byte
		for i := range 1200 { // more than one RPUSH batch in the script
			evs = append(evs, fmt.Appendf(nil, "e%d", i+1))
		}
		last, err := s.Append(ctx, "big", 0, evs)
		if err != nil || last != 1200 {
			t.Fatalf("Append = %d, %v", last, err)
		}
		tests := []struct {
			from     uint64
			max      int
			first, n int
		}{
			{0, 0, 1, 1200}, {1, 10, 1, 10}, {600, 0, 600, 601}, {1200, 5, 1200, 1}, {1201, 0, 0, 0}, {5000, 3, 0, 0},
		}
		for _, tt := range tests {
			recs, err := s.Read(ctx, "big", tt.from, tt.max)
			if err != nil || len(recs) != tt.n {
				t.Fatalf("Read(%d, %d) = %d records, %v; want %d", tt.from, tt.max, len(recs), err, tt.n)
			}
			if tt.n > 0 && (recs[0].Seq != uint64(tt.first) || string(recs[0].Data) != fmt.Sprintf("e%d", tt.first)) {
				t.Errorf("Read(%d, %d)[0] = %d %q", tt.from, tt.max, recs[0].Seq, recs[0].Data)
			}
		}
	})

	t.Run("conflict changes nothing", func(t *testing.T) {
		if _, err := s.Append(ctx, "m", 0, [][]byte{[]byte("x")}); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("stale Append: %v; want ErrConflict", err)
		}
		if _, err := s.Append(ctx, "m", 5, [][]byte{[]byte("x")}); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("future Append: %v; want ErrConflict", err)
		}
		if v, _ := s.Version(ctx, "m"); v != 2 {
			t.Fatalf("Version after conflicts = %d; want 2", v)
		}
		if _, err := s.Append(ctx, "m", 2, nil); err == nil {
			t.Fatal("Append of no events succeeded")
		}
	})

	t.Run("empty meeting", func(t *testing.T) {
		recs, err := s.Read(ctx, "nobody", 1, 0)
		if err != nil || len(recs) != 0 {
			t.Fatalf("Read = %v, %v", recs, err)
		}
		if v, err := s.Version(ctx, "nobody"); err != nil || v != 0 {
			t.Fatalf("Version = %d, %v", v, err)
		}
	})
}

// TestAppendResentIsIdempotent runs the append script twice with one token,
// as go-redis does when it resends a command whose reply was lost: the
// second run must answer the first one's seq, not a conflict.
func TestAppendResentIsIdempotent(t *testing.T) {
	s := mustOpen(t, Options{})
	ctx := testCtx(t)
	keys := []string{s.k.log("m"), s.k.logTokens("m"), s.k.chain("m")}
	da, db := sha256.Sum256([]byte("a")), sha256.Sum256([]byte("b"))
	for range 2 {
		res, err := appendScript.Run(ctx, s.rdb, keys, 0, "tok1", "a", "b", da[:], db[:]).Int64Slice()
		if err != nil || !slices.Equal(res, []int64{1, 2}) {
			t.Fatalf("append script = %v, %v; want [1 2]", res, err)
		}
	}
	res, err := appendScript.Run(ctx, s.rdb, keys, 0, "tok2", "a", "b", da[:], db[:]).Int64Slice()
	if err != nil || !slices.Equal(res, []int64{0, 2}) {
		t.Fatalf("other call at a stale version = %v, %v; want conflict [0 2]", res, err)
	}
	if v, _ := s.Version(ctx, "m"); v != 2 {
		t.Fatalf("Version = %d; want 2", v)
	}
}

func TestBallots(t *testing.T) {
	s := mustOpen(t, Options{})
	ctx := testCtx(t)
	spec := storage.BoxSpec{Poll: "p1", Choices: []string{"yes", "no", "abstain"}}
	if _, err := s.Tally(ctx, "m", "p1"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Tally of an unopened box: %v; want ErrNotFound", err)
	}
	if _, err := s.CloseBox(ctx, "m", "p1"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("CloseBox of an unopened box: %v; want ErrNotFound", err)
	}
	if r, err := s.Cast(ctx, "m", storage.Ballot{Poll: "p1", Voter: "a", BallotID: "b0", Choice: "yes"}, []byte("ev")); err != nil || r.Outcome != storage.BoxClosed {
		t.Fatalf("Cast into an unopened box = %v, %v; want box_closed", r, err)
	}
	if _, err := s.Append(ctx, "m", 0, [][]byte{[]byte("created")}); err != nil {
		t.Fatal(err)
	}
	if err := s.OpenBox(ctx, "m", spec); err != nil {
		t.Fatalf("OpenBox: %v", err)
	}
	if err := s.OpenBox(ctx, "m", spec); err != nil {
		t.Fatalf("OpenBox again with the same spec: %v", err)
	}
	other := spec
	other.Secret = true
	if err := s.OpenBox(ctx, "m", other); !errors.Is(err, storage.ErrExists) {
		t.Fatalf("OpenBox with another spec: %v; want ErrExists", err)
	}
	if err := s.OpenBox(ctx, "m", storage.BoxSpec{Poll: "dup", Choices: []string{"a", "a"}}); err == nil {
		t.Fatal("OpenBox with a repeated choice succeeded")
	}

	steps := []struct {
		name    string
		ballot  storage.Ballot
		outcome storage.Outcome
		seq     uint64
	}{
		{"first ballot", storage.Ballot{Poll: "p1", Voter: "a", BallotID: "b1", Choice: "yes"}, storage.Accepted, 2},
		{"second voter", storage.Ballot{Poll: "p1", Voter: "b", BallotID: "b2", Choice: "no"}, storage.Accepted, 3},
		{"same ballot again", storage.Ballot{Poll: "p1", Voter: "a", BallotID: "b1", Choice: "yes"}, storage.Repeat, 2},
		{"another ballot", storage.Ballot{Poll: "p1", Voter: "a", BallotID: "b3", Choice: "no"}, storage.AlreadyVoted, 0},
		{"bad choice", storage.Ballot{Poll: "p1", Voter: "c", BallotID: "b4", Choice: "maybe"}, storage.BadChoice, 0},
		{"unknown poll", storage.Ballot{Poll: "p2", Voter: "c", BallotID: "b5", Choice: "yes"}, storage.BoxClosed, 0},
		{"colon in ids", storage.Ballot{Poll: "p1", Voter: "d:1", BallotID: "x:y", Choice: "yes"}, storage.Accepted, 4},
		{"colon in ids again", storage.Ballot{Poll: "p1", Voter: "d:1", BallotID: "x:y", Choice: "yes"}, storage.Repeat, 4},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			r, err := s.Cast(ctx, "m", st.ballot, []byte("cast "+st.ballot.BallotID))
			if err != nil || r.Outcome != st.outcome || r.Seq != st.seq {
				t.Fatalf("Cast = %v %d, %v; want %v %d", r.Outcome, r.Seq, err, st.outcome, st.seq)
			}
		})
	}
	recs, err := s.Read(ctx, "m", 1, 0)
	var got []string
	for _, r := range recs {
		got = append(got, string(r.Data))
	}
	if want := []string{"created", "cast b1", "cast b2", "cast x:y"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("log = %q, %v; want %q", got, err, want)
	}
	want := storage.Tally{Counts: map[string]int{"yes": 2, "no": 1, "abstain": 0}, Voters: 3}
	tally, err := s.Tally(ctx, "m", "p1")
	if err != nil || !equalTally(tally, want) {
		t.Fatalf("Tally = %+v, %v; want %+v", tally, err, want)
	}
	want.Closed = true
	for range 2 {
		tally, err := s.CloseBox(ctx, "m", "p1")
		if err != nil || !equalTally(tally, want) {
			t.Fatalf("CloseBox = %+v, %v; want %+v", tally, err, want)
		}
	}
	if r, err := s.Cast(ctx, "m", storage.Ballot{Poll: "p1", Voter: "e", BallotID: "b6", Choice: "yes"}, []byte("late")); err != nil || r.Outcome != storage.BoxClosed {
		t.Fatalf("Cast after close = %v, %v; want box_closed", r, err)
	}
	if r, err := s.Cast(ctx, "m", storage.Ballot{Poll: "p1", Voter: "a", BallotID: "b1", Choice: "yes"}, []byte("resent")); err != nil || r.Outcome != storage.Repeat || r.Seq != 2 {
		t.Fatalf("resent ballot after close = %v, %v; want repeat 2", r, err)
	}
	if err := s.OpenBox(ctx, "m", spec); !errors.Is(err, storage.ErrExists) {
		t.Fatalf("reopening a closed box: %v; want ErrExists", err)
	}
	if v, _ := s.Version(ctx, "m"); v != 4 {
		t.Fatalf("Version = %d; want 4 (refusals append nothing)", v)
	}
}

func equalTally(a, b storage.Tally) bool {
	if a.Voters != b.Voters || a.Closed != b.Closed || len(a.Counts) != len(b.Counts) {
		return false
	}
	for k, v := range b.Counts {
		if n, ok := a.Counts[k]; !ok || n != v {
			return false
		}
	}
	return true
}

// TestSecretBoxKeepsVotersApart casts into a secret box and then reads every
// key of the store: no key may hold a voter together with a choice.
func TestSecretBoxKeepsVotersApart(t *testing.T) {
	s := mustOpen(t, Options{})
	ctx := testCtx(t)
	choices := []string{"choice-approve", "choice-reject"}
	if err := s.OpenBox(ctx, "m", storage.BoxSpec{Poll: "secret", Secret: true, Choices: choices}); err != nil {
		t.Fatal(err)
	}
	var voters []string
	for i := range 10 {
		v := fmt.Sprintf("voter-%04d", i)
		voters = append(voters, v)
		r, err := s.Cast(ctx, "m", storage.Ballot{Poll: "secret", Voter: v, BallotID: "ballot-" + v, Choice: choices[i%2]}, []byte("voted "+v))
		if err != nil || r.Outcome != storage.Accepted {
			t.Fatalf("Cast = %v, %v", r, err)
		}
	}
	keys, err := redistest.Keys(ctx, s.rdb, s.opt.Prefix)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		content := dumpKey(t, s.rdb, k)
		hasVoter := slices.ContainsFunc(voters, func(v string) bool { return strings.Contains(content, v) })
		hasChoice := slices.ContainsFunc(choices, func(c string) bool { return strings.Contains(content, c) })
		if hasVoter && hasChoice {
			t.Errorf("key %s holds a voter next to a choice: %q", k, content)
		}
	}
	if tally, err := s.Tally(ctx, "m", "secret"); err != nil || tally.Voters != 10 || tally.Counts != nil {
		t.Fatalf("Tally = %+v, %v; want 10 voters and no counts while the box is open", tally, err)
	}
	if tally, err := s.CloseBox(ctx, "m", "secret"); err != nil || tally.Voters != 10 || tally.Counts["choice-approve"] != 5 {
		t.Fatalf("CloseBox = %+v, %v", tally, err)
	}
}

// dumpKey returns the whole content of a key as text.
func dumpKey(tb testing.TB, c goredis.UniversalClient, key string) string {
	tb.Helper()
	ctx := context.Background()
	typ, err := c.Type(ctx, key).Result()
	if err != nil {
		tb.Fatal(err)
	}
	var parts []string
	switch typ {
	case "string":
		v, err := c.Get(ctx, key).Result()
		if err != nil {
			tb.Fatal(err)
		}
		parts = []string{v}
	case "list":
		parts, err = c.LRange(ctx, key, 0, -1).Result()
	case "set":
		parts, err = c.SMembers(ctx, key).Result()
	case "hash":
		var m map[string]string
		m, err = c.HGetAll(ctx, key).Result()
		for k, v := range m {
			parts = append(parts, k, v)
		}
	default:
		tb.Fatalf("key %s has unexpected type %s", key, typ)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Join(parts, "\x00")
}

// TestConcurrentBallots casts from many goroutines, each voter twice at
// once with two ballot ids: exactly one ballot per voter counts, each in
// the log at its own seq.
func TestConcurrentBallots(t *testing.T) {
	s := mustOpen(t, Options{})
	ctx := testCtx(t)
	if err := s.OpenBox(ctx, "m", storage.BoxSpec{Poll: "p", Secret: true, Choices: []string{"y", "n"}}); err != nil {
		t.Fatal(err)
	}
	const voters = 200
	var mu sync.Mutex
	accepted := map[string]uint64{}
	others := 0
	var wg sync.WaitGroup
	for i := range voters {
		for try := range 2 {
			wg.Go(func() {
				voter := fmt.Sprintf("v%d", i)
				r, err := s.Cast(ctx, "m", storage.Ballot{Poll: "p", Voter: voter, BallotID: fmt.Sprintf("%s-%d", voter, try), Choice: []string{"y", "n"}[i%2]}, []byte(voter))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err != nil:
					t.Errorf("Cast: %v", err)
				case r.Outcome == storage.Accepted:
					if _, dup := accepted[voter]; dup {
						t.Errorf("voter %s accepted twice", voter)
					}
					accepted[voter] = r.Seq
				case r.Outcome == storage.AlreadyVoted:
					others++
				default:
					t.Errorf("Cast = %v", r)
				}
			})
		}
	}
	wg.Wait()
	if len(accepted) != voters || others != voters {
		t.Fatalf("%d accepted, %d already voted; want %d each", len(accepted), others, voters)
	}
	recs, err := s.Read(ctx, "m", 1, 0)
	if err != nil || len(recs) != voters {
		t.Fatalf("log has %d records, %v; want %d", len(recs), err, voters)
	}
	for _, r := range recs {
		if accepted[string(r.Data)] != r.Seq {
			t.Errorf("record %d is %q, accepted at seq %d", r.Seq, r.Data, accepted[string(r.Data)])
		}
	}
	tally, err := s.CloseBox(ctx, "m", "p")
	if err != nil || tally.Voters != voters || tally.Counts["y"]+tally.Counts["n"] != voters {
		t.Fatalf("CloseBox = %+v, %v", tally, err)
	}
}

func TestSnapshots(t *testing.T) {
	s := mustOpen(t, Options{})
	ctx := testCtx(t)
	if _, _, err := s.LoadSnapshot(ctx, "m"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("LoadSnapshot of none: %v; want ErrNotFound", err)
	}
	steps := []struct {
		seq      uint64
		data     string
		wantSeq  uint64
		wantData string
	}{
		{5, "five", 5, "five"},
		{3, "three", 5, "five"},
		{9, "nine", 9, "nine"},
		{9, "nine again", 9, "nine again"},
		{8, "", 9, "nine again"},
	}
	for _, st := range steps {
		if err := s.SaveSnapshot(ctx, "m", st.seq, []byte(st.data)); err != nil {
			t.Fatalf("SaveSnapshot(%d): %v", st.seq, err)
		}
		seq, data, err := s.LoadSnapshot(ctx, "m")
		if err != nil || seq != st.wantSeq || string(data) != st.wantData {
			t.Fatalf("after SaveSnapshot(%d): LoadSnapshot = %d %q, %v; want %d %q", st.seq, seq, data, err, st.wantSeq, st.wantData)
		}
	}
}

func TestSessions(t *testing.T) {
	s := mustOpen(t, Options{})
	ctx := testCtx(t)
	inv := storage.Invitation{Meeting: "m", Participant: "p"}
	if err := s.PutInvitation(ctx, "code{1}", inv); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	results := make([]error, 20)
	for i := range results {
		wg.Go(func() {
			got, err := s.RedeemInvitation(ctx, "code{1}")
			if err == nil && got != inv {
				err = fmt.Errorf("got %+v", got)
			}
			results[i] = err
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range results {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, storage.ErrNotFound):
			t.Errorf("RedeemInvitation: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d redemptions succeeded; want 1", ok)
	}

	t.Run("redemption resent", func(t *testing.T) {
		if err := s.PutInvitation(ctx, "c2", inv); err != nil {
			t.Fatal(err)
		}
		keys := []string{s.k.invitation("c2"), s.k.redeemed("c2")}
		for i := range 2 {
			if _, err := redeemScript.Run(ctx, s.rdb, keys, "tok", 60000).Text(); err != nil {
				t.Fatalf("run %d of one redemption: %v", i+1, err)
			}
		}
		if err := redeemScript.Run(ctx, s.rdb, keys, "other", 60000).Err(); !isNil(err) {
			t.Fatalf("another redemption: %v; want nil", err)
		}
	})

	now := time.Now()
	tests := []struct {
		name    string
		expires time.Time
		found   bool
	}{
		{"no expiry", time.Time{}, true},
		{"future", now.Add(time.Hour), true},
		{"past", now.Add(-time.Second), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := storage.Session{Meeting: "m", Participant: "p", Expires: tt.expires}
			if err := s.PutSession(ctx, tt.name, want); err != nil {
				t.Fatal(err)
			}
			got, err := s.GetSession(ctx, tt.name)
			if !tt.found {
				if !errors.Is(err, storage.ErrNotFound) {
					t.Fatalf("GetSession = %+v, %v; want ErrNotFound", got, err)
				}
				return
			}
			if err != nil || got.Meeting != want.Meeting || got.Participant != want.Participant || !got.Expires.Equal(want.Expires) {
				t.Fatalf("GetSession = %+v, %v; want %+v", got, err, want)
			}
			ttl := s.rdb.PTTL(ctx, s.k.session(tt.name)).Val()
			if tt.expires.IsZero() != (ttl < 0) {
				t.Fatalf("key TTL = %v for expiry %v", ttl, tt.expires)
			}
		})
	}
	t.Run("expires in Redis", func(t *testing.T) {
		if err := s.PutSession(ctx, "short", storage.Session{Meeting: "m", Expires: time.Now().Add(50 * time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 10*time.Second, func() bool { return s.rdb.Exists(ctx, s.k.session("short")).Val() == 0 })
		if _, err := s.GetSession(ctx, "short"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("GetSession after expiry: %v; want ErrNotFound", err)
		}
	})
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(tb testing.TB, d time.Duration, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("condition not met within %v", d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBlobs(t *testing.T) {
	s := mustOpen(t, Options{ChunkSize: 1000})
	ctx := testCtx(t)
	content := make([]byte, 3500)
	for i := range content {
		content[i] = byte(i * 7)
	}
	info, err := s.PutBlob(ctx, bytes.NewReader(content))
	if err != nil || info.Size != 3500 || len(info.SHA256) != 64 {
		t.Fatalf("PutBlob = %+v, %v", info, err)
	}
	keysAfterFirst, _ := redistest.Keys(ctx, s.rdb, s.opt.Prefix)
	if len(keysAfterFirst) != 5 {
		t.Errorf("blob of 4 chunks has %d keys: %q", len(keysAfterFirst), keysAfterFirst)
	}
	again, err := s.PutBlob(ctx, bytes.NewReader(content))
	if err != nil || again != info {
		t.Fatalf("PutBlob of the same content = %+v, %v; want %+v", again, err, info)
	}
	if keys, _ := redistest.Keys(ctx, s.rdb, s.opt.Prefix); len(keys) != len(keysAfterFirst) {
		t.Errorf("storing the same content again left %d keys; want %d", len(keys), len(keysAfterFirst))
	}

	r, got, err := s.OpenBlob(ctx, info.SHA256)
	if err != nil || got != info {
		t.Fatalf("OpenBlob = %+v, %v", got, err)
	}
	defer r.Close()
	all, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(all, content) {
		t.Fatalf("ReadAll = %d bytes, %v", len(all), err)
	}
	ranges := []struct {
		name   string
		offset int64
		whence int
		n      int
		start  int
	}{
		{"inside a chunk", 10, io.SeekStart, 20, 10},
		{"across chunks", 990, io.SeekStart, 1500, 990},
		{"from the end", -100, io.SeekEnd, 100, 3400},
		{"past the end", 4000, io.SeekStart, 0, 4000},
	}
	for _, rg := range ranges {
		t.Run(rg.name, func(t *testing.T) {
			pos, err := r.Seek(rg.offset, rg.whence)
			if err != nil || pos != int64(rg.start) {
				t.Fatalf("Seek = %d, %v; want %d", pos, err, rg.start)
			}
			buf := make([]byte, rg.n)
			n, err := io.ReadFull(r, buf)
			if err != nil && rg.n > 0 || n != rg.n {
				t.Fatalf("ReadFull = %d, %v", n, err)
			}
			if rg.n > 0 && !bytes.Equal(buf, content[rg.start:rg.start+rg.n]) {
				t.Fatal("wrong bytes")
			}
		})
	}
	if _, err := r.Seek(-1, io.SeekStart); err == nil {
		t.Error("Seek to -1 succeeded")
	}

	t.Run("empty", func(t *testing.T) {
		info, err := s.PutBlob(ctx, bytes.NewReader(nil))
		if err != nil || info.Size != 0 {
			t.Fatalf("PutBlob = %+v, %v", info, err)
		}
		r, _, err := s.OpenBlob(ctx, info.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if b, err := io.ReadAll(r); err != nil || len(b) != 0 {
			t.Fatalf("ReadAll = %q, %v", b, err)
		}
	})

	t.Run("not found", func(t *testing.T) {
		for _, sha := range []string{strings.Repeat("0", 64), "../x", strings.Repeat("A", 64)} {
			if _, _, err := s.OpenBlob(ctx, sha); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("OpenBlob(%q): %v; want ErrNotFound", sha, err)
			}
		}
	})

	t.Run("failed upload leaves nothing", func(t *testing.T) {
		before, _ := redistest.Keys(ctx, s.rdb, s.opt.Prefix)
		r := io.MultiReader(bytes.NewReader(make([]byte, 2500)), errReader{})
		if _, err := s.PutBlob(ctx, r); err == nil {
			t.Fatal("PutBlob of a failing reader succeeded")
		}
		after, _ := redistest.Keys(ctx, s.rdb, s.opt.Prefix)
		if len(after) != len(before) {
			t.Fatalf("keys before %d, after %d: %q", len(before), len(after), after)
		}
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

// TestBlobsOverride stores blobs in another store given as Options.Blobs.
func TestBlobsOverride(t *testing.T) {
	other := mustOpen(t, Options{})
	s := mustOpen(t, Options{Blobs: other})
	ctx := testCtx(t)
	info, err := s.PutBlob(ctx, strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	if keys, _ := redistest.Keys(ctx, s.rdb, s.opt.Prefix); len(keys) != 0 {
		t.Fatalf("the store wrote %q itself", keys)
	}
	r, _, err := other.OpenBlob(ctx, info.SHA256)
	if err != nil {
		t.Fatalf("blob not in the override: %v", err)
	}
	r.Close()
	r, _, err = s.OpenBlob(ctx, info.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if b, err := io.ReadAll(r); err != nil || string(b) != "hello" {
		t.Fatalf("ReadAll = %q, %v", b, err)
	}
}

func TestOpen(t *testing.T) {
	ctx := testCtx(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := l.Addr().String()
	l.Close()
	tests := []struct {
		name        string
		url         string
		wantErr     bool
		unavailable bool
	}{
		{"shared redis", "redis://" + redistest.SharedAddr + "/0", false, false},
		{"bad url", "http://" + redistest.SharedAddr, true, false},
		{"nobody listening", "redis://" + closedAddr + "/0?dial_timeout=1s", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(ctx, tt.url, Options{Prefix: "daistest:" + token() + ":"})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Open(%q): %v; want error %v", tt.url, err, tt.wantErr)
			}
			if err != nil {
				if errors.Is(err, storage.ErrUnavailable) != tt.unavailable {
					t.Fatalf("Open(%q): %v; want ErrUnavailable %v", tt.url, err, tt.unavailable)
				}
				return
			}
			defer s.Close()
			if v, err := s.Version(ctx, "none"); err != nil || v != 0 {
				t.Fatalf("Version = %d, %v", v, err)
			}
		})
	}
}

// TestChainAfterUnchainedLog appends to a log stored before the audit chain
// existed: the old records stay unchained, and the chain starts after them
// from the zero hash, for appends and ballots alike.
func TestChainAfterUnchainedLog(t *testing.T) {
	s := mustOpen(t, Options{})
	ctx := testCtx(t)
	if err := s.rdb.RPush(ctx, s.k.log("m"), "old1", "old2").Err(); err != nil {
		t.Fatal(err)
	}
	if last, err := s.Append(ctx, "m", 2, [][]byte{[]byte("new")}); err != nil || last != 3 {
		t.Fatalf("Append after an unchained log = %d, %v", last, err)
	}
	if err := s.OpenBox(ctx, "m", storage.BoxSpec{Poll: "p", Choices: []string{"y"}}); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Cast(ctx, "m", storage.Ballot{Poll: "p", Voter: "v", BallotID: "b", Choice: "y"}, []byte("ballot")); err != nil || r.Seq != 4 {
		t.Fatalf("Cast = %+v, %v", r, err)
	}
	recs, err := s.Read(ctx, "m", 1, 0)
	if err != nil || len(recs) != 4 {
		t.Fatalf("Read = %v, %v", recs, err)
	}
	if recs[0].Hash != nil || recs[1].Hash != nil || recs[0].Prev != nil {
		t.Fatalf("old records = %+v, %+v; want no chain links", recs[0], recs[1])
	}
	h3 := storage.ChainHash(storage.ZeroHash, 3, []byte("new"))
	if !bytes.Equal(recs[2].Hash, h3) || !bytes.Equal(recs[2].Prev, storage.ZeroHash) {
		t.Fatalf("first chained record = %x after %x, want %x after zero", recs[2].Hash, recs[2].Prev, h3)
	}
	if h4 := storage.ChainHash(h3, 4, []byte("ballot")); !bytes.Equal(recs[3].Hash, h4) || !bytes.Equal(recs[3].Prev, h3) {
		t.Fatalf("ballot record = %x after %x, want %x after %x", recs[3].Hash, recs[3].Prev, h4, h3)
	}
}

// TestLuaSHA256 checks scripts/chain.lua's SHA-256 against Go's on the
// lengths around its padding boundaries.
func TestLuaSHA256(t *testing.T) {
	s := mustOpen(t, Options{})
	ctx := testCtx(t)
	script := goredis.NewScript(chainSrc + "\nreturn sha256(ARGV[1])")
	for _, n := range []int{0, 1, 3, 55, 56, 63, 64, 65, 72, 119, 120, 128, 300, 1000} {
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte(i*131 + n)
		}
		got, err := script.Run(ctx, s.rdb, nil, msg).Text()
		want := sha256.Sum256(msg)
		if err != nil || got != string(want[:]) {
			t.Errorf("Lua sha256 of %d bytes = %x, %v; want %x", n, got, err, want)
		}
	}
}

// TestAccountSetsOfOlderSessions: the sessions a version without the
// account sets stored are added to them at the first look-up, once: a
// session signed out since is not brought back.
func TestAccountSetsOfOlderSessions(t *testing.T) {
	s := mustOpen(t, Options{})
	ctx := t.Context()
	exp := time.Now().Add(time.Hour)
	for key, acct := range map[string]string{"k1": "binh", "k2": "", "k3": "binh"} {
		if err := s.PutSession(ctx, key, storage.Session{Meeting: "m", Participant: "chair", Expires: exp, Account: acct}); err != nil {
			t.Fatalf("PutSession: %v", err)
		}
	}
	// As an older version left it: no account set, not indexed yet.
	if err := s.rdb.Del(ctx, s.k.sessionsOfAccount("binh")).Err(); err != nil {
		t.Fatal(err)
	}
	got, err := s.SessionsOfAccount(ctx, "binh")
	if _, ok := got["k3"]; err != nil || len(got) != 2 || !ok {
		t.Fatalf("SessionsOfAccount = %v, %v; want k1 and k3", got, err)
	}
	// Once done, the SCAN is not run again: a set emptied stays empty.
	if err := s.rdb.Del(ctx, s.k.sessionsOfAccount("binh")).Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SessionsOfAccount(ctx, "binh"); err != nil || len(got) != 0 {
		t.Fatalf("SessionsOfAccount again = %v, %v; want the set as it is", got, err)
	}
}
