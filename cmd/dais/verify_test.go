package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/seal"
)

// TestVerify runs dais verify on a stopped node's data folder: it passes,
// then an edited event makes it fail with exit code 3, naming the event.
func TestVerify(t *testing.T) {
	const mid = "verify-test"
	dir := t.TempDir()
	key := seal.NewKey()
	st, err := bolt.Open(dir, bolt.Options{BallotKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(st, nil, service.Options{})
	do := func(who string, cmd meeting.Command) []meeting.Event {
		t.Helper()
		evs, err := svc.Execute(context.Background(), mid, meeting.Actor{Participant: who}, cmd)
		if err != nil {
			t.Fatalf("%T: %v", cmd, err)
		}
		return evs
	}
	for _, c := range meetingtest.SmallMeeting(mid) {
		do(meetingtest.Secretary.Participant, c)
	}
	do(meetingtest.Chair, meeting.OpenSession{})
	do("d1", meeting.CheckIn{})
	do(meetingtest.Chair, meeting.OpenPoll{Poll: "v1"})
	ballot := do("d1", meeting.CastBallot{Poll: "v1", Choice: "for", BallotID: "b1"})[0].Seq
	do(meetingtest.Chair, meeting.ClosePoll{Poll: "v1"})
	st.Close()

	verify := func(flags ...string) (int, string) {
		var out, errOut bytes.Buffer
		args := append(append([]string{"verify", "-data", dir}, flags...), mid)
		code := run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
		return code, out.String() + errOut.String()
	}
	code, out := verify()
	if code != exitOK || !strings.Contains(out, "OK") || !strings.Contains(out, "chain hash") {
		t.Fatalf("verify of an untouched record: exit %d\n%s", code, out)
	}
	// The hash the minutes print, checked with -expect.
	var last, hash string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) >= 6 && f[0] == "last" && f[1] == "event" {
			last, hash = strings.TrimSuffix(f[2], ","), f[5]
		}
	}
	if code, out := verify("-expect", last+":"+hash); code != exitOK || !strings.Contains(out, "has the expected chain hash") {
		t.Fatalf("verify -expect %s:%s: exit %d\n%s", last, hash, code, out)
	}
	other := strings.Repeat("0", 64)
	if code, out := verify("-expect", last+":"+other); code != exitNotVerified || !strings.Contains(out, "FAILED at event "+last) {
		t.Fatalf("verify -expect with another hash: exit %d\n%s", code, out)
	}
	if code, _ := verify("-expect", "nonsense"); code != exitUsage {
		t.Fatalf("verify -expect nonsense: exit %d, want %d", code, exitUsage)
	}
	db, err := bbolt.Open(filepath.Join(dir, "dais.db"), 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte("log")).Bucket([]byte(mid))
		k := []byte{0, 0, 0, 0, 0, 0, 0, byte(ballot)}
		return b.Put(k, bytes.Replace(b.Get(k), []byte(`"for"`), []byte(`"against"`), 1))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, out = verify()
	if code != exitNotVerified || !strings.Contains(out, "FAILED at event "+strconv.FormatUint(ballot, 10)+":") {
		t.Fatalf("verify of an edited ballot: exit %d\n%s", code, out)
	}
	var o bytes.Buffer
	if code := run(context.Background(), []string{"verify", "-data", t.TempDir(), mid}, func(string) string { return "" }, &o, &o); code != exitError {
		t.Fatalf("verify of an empty folder: exit %d, want %d\n%s", code, exitError, o.String())
	}
}
