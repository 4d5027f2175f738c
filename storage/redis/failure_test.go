package redis

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/redis/redistest"
)

// killingReader yields n bytes, killing the server once half are read: an
// upload cut off in the middle.
type killingReader struct {
	r      io.Reader
	half   int
	read   int
	killed bool
	srv    *redistest.Server
}

func (k *killingReader) Read(p []byte) (int, error) {
	if !k.killed && k.read >= k.half {
		k.srv.Kill()
		k.killed = true
	}
	n, err := k.r.Read(p)
	k.read += n
	return n, err
}

// TestRedisDownAndBack kills the store's Redis while ballots, appends and an
// upload are under way: every failed call says ErrUnavailable, nothing
// half-written is visible after a restart, every acknowledged write
// survived (the server was killed, not the machine: appendfsync everysec
// has written each acknowledged command to the kernel), and the store works
// again without being reopened.
func TestRedisDownAndBack(t *testing.T) {
	srv := redistest.StartServer(t)
	const prefix = "daisfail:"
	client := goredis.NewClient(&goredis.Options{Addr: srv.Addr(), DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
	s, err := New(client, Options{Prefix: prefix, ChunkSize: 1000, BallotKey: &testKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := testCtx(t)

	// Before: a log, a secret box, a blob, a snapshot, an invitation.
	if _, err := s.Append(ctx, "m", 0, [][]byte{[]byte("created")}); err != nil {
		t.Fatal(err)
	}
	if err := s.OpenBox(ctx, "m", storage.BoxSpec{Poll: "p", Secret: true, Choices: []string{"y", "n"}}); err != nil {
		t.Fatal(err)
	}
	blob := bytes.Repeat([]byte("dais "), 1000)
	blobInfo, err := s.PutBlob(ctx, bytes.NewReader(blob))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSnapshot(ctx, "m", 1, []byte("snap")); err != nil {
		t.Fatal(err)
	}
	if err := s.PutInvitation(ctx, "code", storage.Invitation{Meeting: "m", Participant: "d1"}); err != nil {
		t.Fatal(err)
	}

	// During: voters cast until Redis goes away.
	type cast struct {
		ballot storage.Ballot
		res    storage.CastResult
		err    error
	}
	var (
		mu    sync.Mutex
		casts []cast
		wg    sync.WaitGroup
	)
	const workers = 8
	for w := range workers {
		wg.Go(func() {
			for i := 0; ; i++ {
				b := storage.Ballot{Poll: "p", Voter: fmt.Sprintf("v%d-%d", w, i), BallotID: fmt.Sprintf("b%d-%d", w, i), Choice: []string{"y", "n"}[i%2]}
				res, err := s.Cast(ctx, "m", b, []byte("ballot "+b.Voter))
				mu.Lock()
				casts = append(casts, cast{b, res, err})
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	waitFor(t, 20*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(casts) >= 50
	})
	// The kill happens in the middle of this upload.
	cut := bytes.Repeat([]byte("cut "), 2000)
	_, err = s.PutBlob(ctx, &killingReader{r: bytes.NewReader(cut), half: len(cut) / 2, srv: srv})
	if !errors.Is(err, storage.ErrUnavailable) {
		t.Errorf("PutBlob cut off by the kill: %v; want ErrUnavailable", err)
	}
	wg.Wait()
	for _, c := range casts {
		if c.err != nil && !errors.Is(c.err, storage.ErrUnavailable) {
			t.Errorf("Cast while Redis died: %v; want ErrUnavailable", c.err)
		}
		if c.err == nil && c.res.Outcome != storage.Accepted {
			t.Errorf("Cast of a new voter = %v; want accepted", c.res)
		}
	}

	t.Run("down", func(t *testing.T) {
		calls := map[string]func() error{
			"Ping":   func() error { return s.Ping(ctx) },
			"Append": func() error { _, err := s.Append(ctx, "m", 1, [][]byte{[]byte("x")}); return err },
			"Read":   func() error { _, err := s.Read(ctx, "m", 1, 0); return err },
			"Version": func() error {
				_, err := s.Version(ctx, "m")
				return err
			},
			"Meetings": func() error { _, err := s.Meetings(ctx); return err },
			"Cast": func() error {
				_, err := s.Cast(ctx, "m", storage.Ballot{Poll: "p", Voter: "late", BallotID: "late", Choice: "y"}, []byte("late"))
				return err
			},
			"OpenBox":      func() error { return s.OpenBox(ctx, "m", storage.BoxSpec{Poll: "q", Choices: []string{"y"}}) },
			"CloseBox":     func() error { _, err := s.CloseBox(ctx, "m", "p"); return err },
			"Tally":        func() error { _, err := s.Tally(ctx, "m", "p"); return err },
			"SaveSnapshot": func() error { return s.SaveSnapshot(ctx, "m", 9, []byte("x")) },
			"LoadSnapshot": func() error { _, _, err := s.LoadSnapshot(ctx, "m"); return err },
			"PutBlob":      func() error { _, err := s.PutBlob(ctx, strings.NewReader("x")); return err },
			"OpenBlob":     func() error { _, _, err := s.OpenBlob(ctx, blobInfo.SHA256); return err },
			"PutInvitation": func() error {
				return s.PutInvitation(ctx, "c2", storage.Invitation{Meeting: "m"})
			},
			"RedeemInvitation": func() error { _, err := s.RedeemInvitation(ctx, "code"); return err },
			"PutSession":       func() error { return s.PutSession(ctx, "t", storage.Session{Meeting: "m"}) },
			"GetSession":       func() error { _, err := s.GetSession(ctx, "t"); return err },
		}
		for name, call := range calls {
			t.Run(name, func(t *testing.T) {
				if err := call(); !errors.Is(err, storage.ErrUnavailable) {
					t.Fatalf("%s with Redis down: %v; want ErrUnavailable", name, err)
				}
			})
		}
	})

	srv.Start(t)
	waitFor(t, 20*time.Second, func() bool { return s.Ping(ctx) == nil })

	t.Run("nothing half-written", func(t *testing.T) {
		// Every acknowledged ballot survived; resending any ballot, answered
		// or not, never finds the voter voted with another ballot.
		for _, c := range casts {
			res, err := s.Cast(ctx, "m", c.ballot, []byte("ballot "+c.ballot.Voter))
			if err != nil {
				t.Fatalf("resent Cast: %v", err)
			}
			switch {
			case c.err == nil && (res.Outcome != storage.Repeat || res.Seq != c.res.Seq):
				t.Errorf("acknowledged ballot %s resent = %v %d; want repeat %d", c.ballot.BallotID, res.Outcome, res.Seq, c.res.Seq)
			case c.err != nil && res.Outcome != storage.Repeat && res.Outcome != storage.Accepted:
				t.Errorf("unanswered ballot %s resent = %v; want accepted or repeat", c.ballot.BallotID, res.Outcome)
			}
		}
		// The log has no gap, and as many ballot events as the box has voters.
		recs, err := s.Read(ctx, "m", 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		ballots := 0
		for i, r := range recs {
			if r.Seq != uint64(i+1) {
				t.Fatalf("record %d has seq %d", i, r.Seq)
			}
			if strings.HasPrefix(string(r.Data), "ballot ") {
				ballots++
			}
		}
		tally, err := s.Tally(ctx, "m", "p")
		if err != nil || tally.Voters != ballots || tally.Counts != nil || ballots != len(casts) {
			t.Fatalf("Tally = %+v, %v; the log has %d ballots, %d were cast", tally, err, ballots, len(casts))
		}
		// The cut-off upload left no blob, and its chunks expire.
		sum := sha256.Sum256(cut)
		if _, _, err := s.OpenBlob(ctx, hex.EncodeToString(sum[:])); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("OpenBlob of the cut-off upload: %v; want ErrNotFound", err)
		}
		keys, err := redistest.Keys(ctx, s.rdb, prefix)
		if err != nil {
			t.Fatal(err)
		}
		tmp := 0
		for _, k := range keys {
			if strings.Contains(k, ":tmp:") {
				tmp++
			}
			ttl := s.rdb.PTTL(ctx, k).Val()
			if strings.Contains(k, ":tmp:") != (ttl > 0) {
				t.Errorf("key %s has TTL %v", k, ttl)
			}
		}
		if tmp == 0 {
			t.Error("no chunk of the cut-off upload survived: the test did not cut it off mid-way")
		}
		// The store wrote no key outside its prefix.
		if n := s.rdb.DBSize(ctx).Val(); n != int64(len(keys)) {
			t.Errorf("DBSIZE = %d; %d keys under the prefix", n, len(keys))
		}
	})

	t.Run("works again", func(t *testing.T) {
		r, info, err := s.OpenBlob(ctx, blobInfo.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || info != blobInfo || !bytes.Equal(got, blob) {
			t.Fatalf("blob after restart: %d bytes, %v", len(got), err)
		}
		if seq, data, err := s.LoadSnapshot(ctx, "m"); err != nil || seq != 1 || string(data) != "snap" {
			t.Fatalf("LoadSnapshot = %d %q, %v", seq, data, err)
		}
		if inv, err := s.RedeemInvitation(ctx, "code"); err != nil || inv.Participant != "d1" {
			t.Fatalf("RedeemInvitation = %+v, %v", inv, err)
		}
		v, err := s.Version(ctx, "m")
		if err != nil {
			t.Fatal(err)
		}
		if last, err := s.Append(ctx, "m", v, [][]byte{[]byte("after")}); err != nil || last != v+1 {
			t.Fatalf("Append = %d, %v; want %d", last, err, v+1)
		}
		if res, err := s.Cast(ctx, "m", storage.Ballot{Poll: "p", Voter: "new", BallotID: "new", Choice: "y"}, []byte("ballot new")); err != nil || res.Outcome != storage.Accepted || res.Seq != v+2 {
			t.Fatalf("Cast = %+v, %v; want accepted at %d", res, err, v+2)
		}
		if info, err := s.PutBlob(ctx, bytes.NewReader(cut)); err != nil || info.Size != int64(len(cut)) {
			t.Fatalf("PutBlob of the cut-off content = %+v, %v", info, err)
		}
		tally, err := s.CloseBox(ctx, "m", "p")
		if err != nil || !tally.Closed || tally.Voters != len(casts)+1 || tally.Counts["y"]+tally.Counts["n"] != tally.Voters || len(tally.Ballots) != tally.Voters {
			t.Fatalf("CloseBox = %+v, %v; want %d voters, as many ballots counted", tally, err, len(casts)+1)
		}
	})
}
