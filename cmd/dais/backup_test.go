package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/seal"
)

// TestBackupRestore: dais backup of a stopped node's folder, dais restore
// into an empty one, and dais verify of the restored record; a restore
// into a folder that has a store is refused.
func TestBackupRestore(t *testing.T) {
	const mid = "backup-cli"
	dir := t.TempDir()
	key := seal.NewKey()
	st, err := bolt.Open(dir, bolt.Options{BallotKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	svc := service.New(st, nil, service.Options{})
	for _, c := range meetingtest.SmallMeeting(mid) {
		if _, err := svc.Execute(context.Background(), mid, meetingtest.Secretary, c); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	dais := func(args ...string) (int, string) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
		return code, out.String() + errOut.String()
	}
	file := filepath.Join(t.TempDir(), "dais.backup")
	if code, out := dais("backup", "-data", dir, "-o", file); code != exitOK || !strings.Contains(out, "1 meeting(s)") {
		t.Fatalf("backup: exit %d\n%s", code, out)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if code, out := dais("restore", "-data", restored, file); code != exitOK || !strings.Contains(out, mid) {
		t.Fatalf("restore: exit %d\n%s", code, out)
	}
	if code, out := dais("verify", "-data", restored, mid); code != exitOK || !strings.Contains(out, "OK") {
		t.Fatalf("verify of the restored store: exit %d\n%s", code, out)
	}
	if code, out := dais("restore", "-data", restored, file); code != exitError || !strings.Contains(out, "not empty") {
		t.Fatalf("restore over a store: exit %d\n%s", code, out)
	}
	// A file cut short is refused and leaves nothing.
	data, _ := os.ReadFile(file)
	short := filepath.Join(t.TempDir(), "short.backup")
	os.WriteFile(short, data[:len(data)/2], 0o600)
	empty := filepath.Join(t.TempDir(), "empty")
	if code, out := dais("restore", "-data", empty, short); code != exitError || !strings.Contains(out, "not a complete Dais backup") {
		t.Fatalf("restore of a cut file: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(empty, "dais.db")); err == nil {
		t.Fatal("a refused restore left a store")
	}
}
