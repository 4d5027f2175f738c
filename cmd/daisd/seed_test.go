package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dais-meeting/dais/meeting"
)

const seedYAML = `
meeting:
  id: seed-test
  title: "Họp thử"
  place: "Phòng 1"
  starts: "2026-12-03T08:00:00+07:00"
  rooms:
    - { id: main, name: "Phòng chính" }
participants:
  - { name: "Chủ Tọa", role: chair, room: main, seat: "A01" }
  - { name: "Thư Ký", role: secretary, room: main, seat: "T01" }
  - { name: "Đại Biểu Một", role: delegate, room: main, seat: "A02" }
  - { name: "Đại Biểu Hai", role: delegate, room: main, seat: "A03" }
agenda:
  - title: "Mục một"
    presenter: "Chủ Tọa"
    documents: ["Tài liệu một.pdf"]
    proposal:
      title: "Thông qua mục một"
      poll: { kind: named, rule: "quá nửa" }
`

// writeFile writes data to name in a fresh folder and returns its path.
func writeFile(tb testing.TB, name, data string) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestSeedFile(t *testing.T) {
	ctx := context.Background()
	t.Run("seeds the meeting and prints a code per participant", func(t *testing.T) {
		n := mustStartNode(t, t.TempDir())
		var out bytes.Buffer
		if err := seedFile(ctx, n, &out, writeFile(t, "m.yaml", seedYAML)); err != nil {
			t.Fatalf("seedFile: %v", err)
		}
		st, err := n.svc.State(ctx, "seed-test")
		if err != nil {
			t.Fatal(err)
		}
		if !st.Exists() || st.Title != "Họp thử" || st.Status != meeting.StatusPublished {
			t.Fatalf("meeting: exists %v, title %q, status %q", st.Exists(), st.Title, st.Status)
		}
		// The secretary creates the meeting, so comes first.
		var names []string
		for _, id := range st.Order {
			names = append(names, st.Participant(id).Name+"/"+string(st.Participant(id).Role))
		}
		if got, want := strings.Join(names, ","), "Thư Ký/secretary,Chủ Tọa/chair,Đại Biểu Một/delegate,Đại Biểu Hai/delegate"; got != want {
			t.Errorf("participants %s, want %s", got, want)
		}
		if len(st.Documents) != 1 || st.Documents["d1"] == nil || st.Documents["d1"].Pages == 0 {
			t.Errorf("documents: %+v", st.Documents)
		}
		if len(st.Agenda) != 1 || len(st.Agenda[0].Documents) != 1 || st.Agenda[0].Documents[0] != "d1" {
			t.Errorf("agenda: %+v", st.Agenda)
		}
		if len(st.Polls) != 1 || st.Polls["v1"] == nil {
			t.Errorf("polls: %+v", st.Polls)
		}
		text := out.String()
		if !strings.Contains(text, "Meeting: seed-test") || strings.Count(text, "/?code=") != 4 {
			t.Errorf("output:\n%s", text)
		}
		// Seeding the same store again keeps the meeting and prints fresh codes.
		out.Reset()
		if err := seedFile(ctx, n, &out, writeFile(t, "m.yaml", seedYAML)); err != nil {
			t.Fatalf("seedFile again: %v", err)
		}
		if strings.Count(out.String(), "/?code=") != 4 {
			t.Errorf("second output:\n%s", out.String())
		}
	})
	t.Run("the id defaults to the file name", func(t *testing.T) {
		n := mustStartNode(t, t.TempDir())
		var out bytes.Buffer
		yaml := strings.Replace(seedYAML, "  id: seed-test\n", "", 1)
		if err := seedFile(ctx, n, &out, writeFile(t, "from-name.yaml", yaml)); err != nil {
			t.Fatalf("seedFile: %v", err)
		}
		st, err := n.svc.State(ctx, "from-name")
		if err != nil || !st.Exists() {
			t.Fatalf("meeting from-name: exists %v, err %v", st != nil && st.Exists(), err)
		}
	})
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"no secretary", strings.Replace(seedYAML, "role: secretary", "role: delegate", 1), "no secretary"},
		{"bad start", strings.Replace(seedYAML, "2026-12-03T08:00:00+07:00", "tomorrow", 1), "start time"},
		{"not yaml", "meeting: [", "reading the meeting file"},
	} {
		t.Run("refuses: "+tc.name, func(t *testing.T) {
			n := mustStartNode(t, t.TempDir())
			err := seedFile(ctx, n, &bytes.Buffer{}, writeFile(t, "m.yaml", tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want one saying %q", err, tc.want)
			}
		})
	}
	t.Run("refuses a store holding another meeting", func(t *testing.T) {
		n := mustStartNode(t, t.TempDir())
		if err := seedDemo(ctx, n, &bytes.Buffer{}); err != nil {
			t.Fatalf("seedDemo: %v", err)
		}
		err := seedFile(ctx, n, &bytes.Buffer{}, writeFile(t, "m.yaml", seedYAML))
		if err == nil || !strings.Contains(err.Error(), "other meetings") {
			t.Fatalf("err %v, want one about other meetings", err)
		}
	})
}

// TestSeedFlags checks that -demo and -seed exclude each other.
func TestSeedFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-demo", "-seed", "x.yaml", "-data", t.TempDir()}, func(string) string { return "" }, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "exclude") {
		t.Fatalf("err %v, want -demo and -seed refused together", err)
	}
}

// TestPingIntervalFlag checks that a ping interval out of range is refused
// before anything starts.
func TestPingIntervalFlag(t *testing.T) {
	for _, v := range []string{"500ms", "11m", "0s", "-1s"} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{"-ping-interval", v, "-data", t.TempDir()}, func(string) string { return "" }, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), "-ping-interval") {
			t.Errorf("-ping-interval %s: err %v, want it refused", v, err)
		}
	}
}
