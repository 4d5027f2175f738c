package office_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting/office"
)

// The golden consultation log: a consultation's log as this build stores
// it (one event per line, the bytes a store holds) and the state this build
// folds from it. TestGoldenConsultationLog folds it with the build at hand
// and requires every field of that state with the same value, so that a
// change of an event's format that would misread old logs fails here (see
// docs/architecture.md, "Event formats": raise the format, add the
// upgrade). Write it again only for a new golden file, never over an old
// one: DAIS_WRITE_GOLDEN=1 go test -run TestWriteGoldenConsultation ./meeting/office/
const goldenDir = "testdata/golden"

func goldenEvents(t *testing.T) []office.Event {
	com, people := committee11()
	c := &office.Consultation{}
	var out []office.Event
	do := func(a office.Actor, cmd office.Command, at time.Time) {
		t.Helper()
		evs, err := office.Decide(c, a, cmd, at)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if err := c.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
		out = append(out, evs...)
	}
	do(secretary, office.Draft{ID: "lyk-golden", Committee: com, People: people, Title: "Lấy ý kiến về dự thảo Quy chế làm việc",
		Description: "Xin ý kiến các đồng chí; hạn trả lời \"thứ Sáu\".",
		Questions:   []office.Question{{Text: "Đồng ý thông qua?"}, {ID: "gop-y", Kind: office.QuestionFree, Text: "Góp ý"}},
		Deadline:    t0.Add(72 * time.Hour)}, t0)
	do(secretary, office.AddDocument{Document: office.Document{ID: "0123456789abcdef", Title: "Dự thảo", SHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", Size: 1234, Pages: 3}}, t0.Add(time.Minute))
	do(secretary, office.Edit{Title: "Lấy ý kiến về dự thảo Quy chế làm việc (sửa đổi)", Questions: []office.Question{{Text: "Đồng ý thông qua?"}, {ID: "gop-y", Kind: office.QuestionFree, Text: "Góp ý"}}, Deadline: t0.Add(72 * time.Hour)}, t0.Add(2*time.Minute))
	do(chair, office.Approve{}, t0.Add(time.Hour))
	do(member(2), office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Đồng ý"}, {Question: "gop-y", Text: "Không."}}}, t0.Add(2*time.Hour))
	do(member(3), office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Ý kiến khác", Text: "Bổ sung điều 5."}, {Question: "gop-y", Text: "Rõ hơn về thẩm quyền."}}}, t0.Add(3*time.Hour))
	do(system, office.Remind{To: []string{"m01", "m04"}}, t0.Add(48*time.Hour))
	do(chair, office.Close{}, t0.Add(50*time.Hour))
	return out
}

func TestWriteGoldenConsultation(t *testing.T) {
	if os.Getenv("DAIS_WRITE_GOLDEN") == "" {
		t.Skip("writes the golden consultation log: DAIS_WRITE_GOLDEN=1")
	}
	var log bytes.Buffer
	c := &office.Consultation{}
	for _, e := range goldenEvents(t) {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		log.Write(b)
		log.WriteByte('\n')
		if err := c.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	state, _ := json.MarshalIndent(c, "", "  ")
	if err := os.MkdirAll(goldenDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"consultation-1.jsonl": log.Bytes(), "consultation-1.state.json": state} {
		if err := os.WriteFile(filepath.Join(goldenDir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGoldenConsultationLog folds the golden log with this build.
func TestGoldenConsultationLog(t *testing.T) {
	f, err := os.Open(filepath.Join(goldenDir, "consultation-1.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := &office.Consultation{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e office.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("reading %s: %v", sc.Bytes(), err)
		}
		if err := c.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := json.Marshal(c)
	want, err := os.ReadFile(filepath.Join(goldenDir, "consultation-1.state.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g, w map[string]any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	// Every field of the old state with the same value (new fields may be added).
	for k, v := range w {
		if !reflect.DeepEqual(g[k], v) {
			t.Errorf("field %q: folded %v, the golden state has %v", k, g[k], v)
		}
	}
	if c.Status != office.StatusClosed || c.Version != 8 || c.Result == nil || c.Result.Answered != 2 {
		t.Fatalf("folded %+v", c)
	}
}
