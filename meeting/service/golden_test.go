package service_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/meetingtest"
	"github.com/dais-meeting/dais/meeting/service"
	"github.com/dais-meeting/dais/storage"
	"github.com/dais-meeting/dais/storage/bolt"
	"github.com/dais-meeting/dais/storage/seal"
)

// Golden logs: meetings recorded by earlier builds, kept as the bytes their
// store held (testdata/golden/NAME.jsonl, one {"seq","data"} per event) with
// the state that build folded from them (NAME.state.json). An upgrade must
// read every old log and fold it into a state that says at least what the
// old build's said: every field the old state had, with the same value (new
// fields may be added). Logs are never rewritten (docs/architecture.md,
// "Event formats").
//
// To add a golden log written by the build at hand (do it before changing
// an event's format, and commit the files):
//
//	DAIS_WRITE_GOLDEN=$PWD/meeting/service/testdata/golden/NAME go test -run TestWriteGoldenLog ./meeting/service/
const goldenMeeting = "golden-2026"

// TestWriteGoldenLog records goldenRun's meeting and writes its log and
// folded state where DAIS_WRITE_GOLDEN says. Without it there is nothing
// to write, and the run is the check that the scenario still runs.
func TestWriteGoldenLog(t *testing.T) {
	store, err := bolt.Open(t.TempDir(), bolt.Options{BallotKey: new(seal.NewKey())})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	goldenRun(t, store)
	recs, err := store.Read(context.Background(), goldenMeeting, 1, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	st := foldGolden(t, recs)
	base := os.Getenv("DAIS_WRITE_GOLDEN")
	if base == "" {
		if len(recs) < 60 || st.Status != meeting.StatusClosed {
			t.Fatalf("the golden scenario recorded %d events, status %s", len(recs), st.Status)
		}
		return
	}
	var log bytes.Buffer
	for _, r := range recs {
		line, err := json.Marshal(struct {
			Seq  uint64          `json:"seq"`
			Data json.RawMessage `json:"data"`
		}{r.Seq, r.Data})
		if err != nil {
			t.Fatal(err)
		}
		log.Write(line)
		log.WriteByte('\n')
	}
	state, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".jsonl", log.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".state.json", state, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s.jsonl (%d events) and %s.state.json", base, len(recs), base)
}

// foldGolden folds stored records into a state as every reader does.
func foldGolden(t *testing.T, recs []storage.Record) *meeting.State {
	t.Helper()
	st := meeting.NewState()
	for _, r := range recs {
		var ev meeting.Event
		if err := json.Unmarshal(r.Data, &ev); err != nil {
			t.Fatalf("event %d: %v", r.Seq, err)
		}
		ev.Seq = r.Seq
		if err := st.Apply(ev); err != nil {
			t.Fatalf("event %d (%s): %v", r.Seq, ev.Type(), err)
		}
	}
	return st
}

// TestGoldenLogs reads every golden log with this build: each event
// decodes and folds, and the state says everything the old build's said.
func TestGoldenLogs(t *testing.T) {
	logs, err := filepath.Glob(filepath.Join("testdata", "golden", "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) == 0 {
		t.Fatal("no golden logs in testdata/golden")
	}
	for _, path := range logs {
		name := strings.TrimSuffix(filepath.Base(path), ".jsonl")
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var recs []storage.Record
			sc := bufio.NewScanner(f)
			sc.Buffer(nil, 16<<20)
			for sc.Scan() {
				var r struct {
					Seq  uint64          `json:"seq"`
					Data json.RawMessage `json:"data"`
				}
				if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
					t.Fatal(err)
				}
				recs = append(recs, storage.Record{Seq: r.Seq, Data: r.Data})
			}
			if err := sc.Err(); err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(foldGolden(t, recs))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(strings.TrimSuffix(path, ".jsonl") + ".state.json")
			if err != nil {
				t.Fatal(err)
			}
			var w, g any
			if err := json.Unmarshal(want, &w); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatal(err)
			}
			if diffs := covers(g, w, "state"); len(diffs) > 0 {
				sort.Strings(diffs)
				if len(diffs) > 20 {
					diffs = append(diffs[:20], fmt.Sprintf("… %d more", len(diffs)-20))
				}
				t.Fatalf("the state folded from %s by this build lost or changed what the old build's said:\n%s", path, strings.Join(diffs, "\n"))
			}
		})
	}
}

// covers lists where got does not say what want says: a key of want missing
// from got or a different value; keys only in got are allowed (new fields).
func covers(got, want any, at string) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: was an object, is %T", at, got)}
		}
		var out []string
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: missing (was %v)", at, k, short(wv)))
				continue
			}
			out = append(out, covers(gv, wv, at+"."+k)...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: was %v, is %v", at, short(want), short(got))}
		}
		var out []string
		for i := range w {
			out = append(out, covers(g[i], w[i], fmt.Sprintf("%s[%d]", at, i))...)
		}
		return out
	default:
		if !reflect.DeepEqual(got, want) {
			return []string{fmt.Sprintf("%s: was %v, is %v", at, short(want), short(got))}
		}
		return nil
	}
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

// goldenRun runs a meeting through every kind of event a meeting of
// today records: setup with rooms, a confidential document and a
// proposal; the session with check-ins, presentation, a linked room's own
// page, the floor (with topics and registered contributions), annotations,
// a named and a secret poll, an election with its approval and a round, a
// revoked and a removed participant; the close.
func goldenRun(t *testing.T, store service.Store) {
	t.Helper()
	ctx := context.Background()
	clock := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	svc := service.New(store, nil, service.Options{Now: func() time.Time {
		clock = clock.Add(7 * time.Second)
		return clock
	}})
	do := func(who string, cmd meeting.Command) {
		t.Helper()
		if _, err := svc.Execute(ctx, goldenMeeting, meeting.Actor{Participant: who}, cmd); err != nil {
			t.Fatalf("%s %s: %v", who, cmd.CommandName(), err)
		}
	}
	sec, chair := meetingtest.Secretary.Participant, meetingtest.Chair
	for _, c := range meetingtest.SmallMeeting(goldenMeeting) {
		do(sec, c)
	}
	do(sec, meeting.AddRoom{Room: meeting.Room{ID: "r2", Name: "Điểm cầu huyện Hải Hậu"}})
	do(sec, meeting.AddParticipant{Participant: meeting.Participant{ID: "d4", Name: "Đỗ Văn Quyết", Role: meeting.RoleDelegate, Room: "r2", Seat: "B01"}})
	do(sec, meeting.AddParticipant{Participant: meeting.Participant{ID: "d5", Name: "Vũ Thị Ngọc Ánh", Role: meeting.RoleDelegate, Room: "main", Seat: "A06"}})
	do(sec, meeting.AddParticipant{Participant: meeting.Participant{ID: "o1", Name: "Bùi Minh Tuấn", Role: meeting.RoleObserver, Room: "main"}})
	do(sec, meeting.AddDocument{Document: meeting.Document{ID: "doc2", Title: "Phương án nhân sự (mật)", Pages: 3,
		SHA256: strings.Repeat("cd", 32), Confidential: true, Readers: []string{"d1"}}})
	do(sec, meeting.AttachDocument{Item: "i3", Document: "doc2"})
	do(sec, meeting.AddProposal{Proposal: meeting.Proposal{ID: "p1", Title: "Dự thảo Nghị quyết về phát triển kinh tế số",
		Text: "Hội nghị thống nhất thông qua Nghị quyết về phát triển kinh tế số tỉnh giai đoạn 2026–2030."}, Item: "i2"})
	do(sec, meeting.MoveAgendaItem{Item: "i3", Index: 2})
	do(sec, meeting.UpdateParticipant{Participant: meeting.Participant{ID: "d5", Name: "Vũ Thị Ngọc Ánh", Role: meeting.RoleDelegate, Room: "main", Seat: "A07"}})

	// Registered contributions (tham luận), prepared before the session.
	do(sec, meeting.AddContribution{Contribution: meeting.Contribution{ID: "c1", Participant: "d1", Topic: "Phát triển kinh tế số", Item: "i2"}})
	do(sec, meeting.AddContribution{Contribution: meeting.Contribution{ID: "c2", Participant: "d5", Topic: "Chuyển đổi số trong y tế"}})
	do(sec, meeting.AddContribution{Contribution: meeting.Contribution{ID: "c3", Participant: "d4", Topic: "Hạ tầng số cấp huyện"}})
	do(sec, meeting.MoveContribution{Contribution: "c3", Index: 0})
	do(sec, meeting.RemoveContribution{Contribution: "c2"})

	do(chair, meeting.OpenSession{})
	for _, d := range []string{"d1", "d2", "d3", "d4", "d5"} {
		do(d, meeting.CheckIn{})
	}
	do("d3", meeting.CheckOut{})
	do("d3", meeting.CheckIn{})
	do(chair, meeting.SetCurrentItem{Item: "i2"})
	do(chair, meeting.ShowDocument{Document: "doc1", Page: 1})
	do(chair, meeting.TurnPage{Page: 3})
	do(chair, meeting.SetFollowing{Room: "r2", Follow: false})
	do(chair, meeting.ShowInRoom{Room: "r2", Document: "doc1", Page: 5})
	do(chair, meeting.SetFollowing{Room: "r2", Follow: true})
	do("d2", meeting.RequestFloor{})
	do("d3", meeting.RequestFloor{})
	do("d3", meeting.WithdrawFloor{})
	do(chair, meeting.GiveFloor{})
	do(chair, meeting.EndFloor{})
	do("d5", meeting.RequestFloor{Topic: "Ý kiến về dự toán ngân sách", Kind: meeting.SpeechQuestion})
	do(chair, meeting.GiveFloor{Contribution: "c3"})
	do(chair, meeting.GiveFloor{})
	do(chair, meeting.EndFloor{})
	do("d1", meeting.SaveAnnotation{Annotation: meeting.Annotation{ID: "a1", Document: "doc1", Page: 3, Kind: "ink", Color: "#C00000",
		Points: [][2]float64{{0.1, 0.2}, {0.3, 0.25}, {0.5, 0.2}}}})
	do("d1", meeting.SaveAnnotation{Annotation: meeting.Annotation{ID: "a2", Document: "doc2", Page: 1, Kind: "note", Color: "#FFD400",
		Rect: [4]float64{0.1, 0.1, 0.2, 0.2}, Text: "Đề nghị làm rõ tiêu chuẩn"}})
	do(chair, meeting.SaveAnnotation{Annotation: meeting.Annotation{ID: "s1", Document: "doc1", Page: 3, Kind: "highlight", Color: "#FFD400",
		Rect: [4]float64{0.1, 0.4, 0.9, 0.45}}, Shared: true})
	do("d1", meeting.DeleteAnnotation{ID: "a2"})

	do(chair, meeting.OpenPoll{Poll: "v1"})
	for i, d := range []string{chair, "d1", "d2", "d3", "d4", "d5"} {
		do(d, meeting.CastBallot{Poll: "v1", Choice: []string{"for", "for", "against", "for", "abstain", "for"}[i], BallotID: "v1-" + d})
	}
	do(chair, meeting.ClosePoll{Poll: "v1"})
	do(chair, meeting.CreatePoll{Poll: meeting.Poll{ID: "s1", Question: "Biểu quyết kín về phương án nhân sự", Secret: true,
		Rule: meeting.Rule{Base: meeting.BaseCast, Threshold: meeting.Simple}}})
	do(chair, meeting.OpenPoll{Poll: "s1"})
	for i, d := range []string{chair, "d1", "d2", "d3", "d4"} {
		do(d, meeting.CastBallot{Poll: "s1", Choice: []string{"for", "against", "for", "for", "abstain"}[i], BallotID: "s1-" + d})
	}
	do(chair, meeting.ClosePoll{Poll: "s1"})

	cands := []meeting.Candidate{{ID: "c1", Name: "Nguyễn Văn Ánh", BirthYear: 1968}, {ID: "c2", Name: "Trần Thị Bích", BirthYear: 1972},
		{ID: "c3", Name: "Lê Văn Cường", BirthYear: 1975}, {ID: "c4", Name: "Phạm Thị Dung", BirthYear: 1979}, {ID: "c5", Name: "Hoàng Văn Em", BirthYear: 1981}}
	do(sec, meeting.CreateElection{Election: meeting.Election{ID: "bch", Title: "Bầu Ban Chấp hành", Seats: 4, Candidates: cands}})
	do(chair, meeting.OpenPoll{Poll: "bch-approval"})
	for _, d := range []string{chair, "d1", "d2", "d3", "d4", "d5"} {
		do(d, meeting.CastBallot{Poll: "bch-approval", Choice: "for", BallotID: "bch-a-" + d})
	}
	do(chair, meeting.ClosePoll{Poll: "bch-approval"})
	do(chair, meeting.OpenElectionRound{Election: "bch"})
	for i, d := range []string{chair, "d1", "d2", "d3", "d4", "d5"} {
		do(d, meeting.CastBallot{Poll: "bch-r1", Marks: []string{"11110", "11101", "11011", "10111", "11110", "11111"}[i], BallotID: "bch-r1-" + d})
	}
	do(chair, meeting.ClosePoll{Poll: "bch-r1"})

	do(sec, meeting.RevokeSessions{Participant: "d4"})
	do(sec, meeting.RemoveParticipant{Participant: "o1"})
	do(chair, meeting.SetCurrentItem{Item: "i3"})
	do(chair, meeting.Adjourn{})
	do(chair, meeting.OpenSession{})
	do(chair, meeting.CloseMeeting{})
}
