package meeting

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

// t0 is when the test meetings happen.
var t0 = time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)

// step is one command by one actor.
type step struct {
	actor string
	cmd   Command
}

// log is a state with every event that made it, so tests can replay.
type log struct {
	s      *State
	events []Event
	now    time.Time
}

// newLog returns an empty meeting log.
func newLog() *log { return &log{s: NewState(), now: t0} }

// run decides and applies each step, failing the test on any refusal.
func (l *log) run(tb testing.TB, steps ...step) []Event {
	tb.Helper()
	var out []Event
	for _, st := range steps {
		l.now = l.now.Add(time.Second)
		evs, err := Decide(l.s, Actor{Participant: st.actor}, st.cmd, l.now)
		if err != nil {
			tb.Fatalf("%s by %s: %v", st.cmd.CommandName(), st.actor, err)
		}
		for _, e := range evs {
			if err := l.s.Apply(e); err != nil {
				tb.Fatalf("%s by %s: applying %s: %v", st.cmd.CommandName(), st.actor, e.Type(), err)
			}
		}
		l.events = append(l.events, evs...)
		out = append(out, evs...)
	}
	return out
}

// sha is a valid document hash.
var sha = strings.Repeat("ab", 32)

// sha2 is another.
var sha2 = strings.Repeat("cd", 32)

// setupSteps prepare a meeting "m1" in two rooms: a secretary "sec", a chair,
// delegates d1–d4 (d4 in the linked room), an observer; an agenda i1, i2
// (with sub-items i2a, i2b), i3; a public 10-page document doc1 and a
// confidential doc2 for d1; proposal pr1 on i2; a named poll v1 on pr1 and
// a secret poll s1 (absolute majority of members, quorum 50%).
func setupSteps() []step {
	return []step{
		{"sec", CreateMeeting{ID: "m1", Title: "Kỳ họp thứ 12 Hội đồng nhân dân tỉnh", Place: "Hội trường tỉnh", StartsAt: t0,
			Rooms:     []Room{{ID: "main", Name: "Hội trường chính"}, {ID: "r2", Name: "Điểm cầu huyện Đông Anh"}},
			Secretary: Participant{ID: "sec", Name: "Phạm Thị Kim Oanh"}}},
		{"sec", AddParticipant{Participant: Participant{ID: "chair", Name: "Lê Trường Lưu", Role: RoleChair, Room: "main"}}},
		{"sec", AddParticipant{Participant: Participant{ID: "d1", Name: "Nguyễn Thị Hương", Role: RoleDelegate, Room: "main"}}},
		{"sec", AddParticipant{Participant: Participant{ID: "d2", Name: "Trần Văn Đức", Role: RoleDelegate, Room: "main"}}},
		{"sec", AddParticipant{Participant: Participant{ID: "d3", Name: "Hoàng Thị Thu Hà", Role: RoleDelegate, Room: "main"}}},
		{"sec", AddParticipant{Participant: Participant{ID: "d4", Name: "Vũ Quốc Khánh", Role: RoleDelegate, Room: "r2"}}},
		{"sec", AddParticipant{Participant: Participant{ID: "obs", Name: "Đỗ Minh Tâm", Role: RoleObserver, Room: "r2"}}},
		{"sec", AddDocument{Document: Document{ID: "doc1", Title: "Báo cáo kinh tế - xã hội", Pages: 10, SHA256: sha}}},
		{"sec", AddDocument{Document: Document{ID: "doc2", Title: "Phương án nhân sự", Pages: 3, SHA256: sha, Confidential: true, Readers: []string{"d1"}}}},
		{"sec", AddAgendaItem{Item: Item{ID: "i1", Title: "Khai mạc"}}},
		{"sec", AddAgendaItem{Item: Item{ID: "i2", Title: "Kinh tế - xã hội", Documents: []string{"doc1"}, Presenter: "d2"}}},
		{"sec", AddAgendaItem{Item: Item{ID: "i3", Title: "Bế mạc"}}},
		{"sec", AddAgendaItem{Item: Item{ID: "i2a", Parent: "i2", Title: "Báo cáo"}}},
		{"sec", AddAgendaItem{Item: Item{ID: "i2b", Parent: "i2", Title: "Thảo luận"}}},
		{"sec", AddProposal{Proposal: Proposal{ID: "pr1", Title: "Nghị quyết kinh tế - xã hội 2027"}, Item: "i2"}},
		{"sec", AddProposal{Proposal: Proposal{ID: "pr2", Title: "Nghị quyết nhân sự"}}},
		{"sec", CreatePoll{Poll: Poll{ID: "v1", Question: "Thông qua nghị quyết kinh tế - xã hội", Proposal: "pr1"}}},
		{"sec", CreatePoll{Poll: Poll{ID: "s1", Question: "Bầu Phó Chủ tịch", Proposal: "pr2", Secret: true,
			Rule: Rule{Base: BaseMembers, Threshold: Absolute, QuorumPercent: 50}}}},
	}
}

// draft returns the prepared, unpublished meeting.
func draft(tb testing.TB) *log {
	tb.Helper()
	l := newLog()
	l.run(tb, setupSteps()...)
	return l
}

// published returns the prepared meeting, published.
func published(tb testing.TB) *log {
	tb.Helper()
	l := draft(tb)
	l.run(tb, step{"sec", Publish{}})
	return l
}

// inSession returns the meeting in session with the chair and d1–d3
// checked in (d4 and the observer are not).
func inSession(tb testing.TB) *log {
	tb.Helper()
	l := published(tb)
	l.run(tb, step{"chair", OpenSession{}},
		step{"chair", CheckIn{}}, step{"d1", CheckIn{}}, step{"d2", CheckIn{}}, step{"sec", CheckIn{Participant: "d3"}})
	return l
}

// voting returns the meeting in session with poll v1 open.
func voting(tb testing.TB) *log {
	tb.Helper()
	l := inSession(tb)
	l.run(tb, step{"chair", OpenPoll{Poll: "v1"}})
	return l
}

// mustJSON encodes v or fails.
func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("encoding %T: %v", v, err)
	}
	return b
}

// sameJSON fails unless a and b encode alike.
func sameJSON(tb testing.TB, what string, a, b any) {
	tb.Helper()
	ja, jb := mustJSON(tb, a), mustJSON(tb, b)
	if !bytes.Equal(ja, jb) {
		tb.Fatalf("%s differ:\n got  %s\n want %s", what, ja, jb)
	}
}

// replay folds events into a fresh state.
func replay(tb testing.TB, events []Event) *State {
	tb.Helper()
	s := NewState()
	for _, e := range events {
		if err := s.Apply(e); err != nil {
			tb.Fatalf("replaying event %d (%s): %v", e.Seq, e.Type(), err)
		}
	}
	return s
}

// asError checks that err is a well-formed *Error and returns it.
func asError(tb testing.TB, err error) *Error {
	tb.Helper()
	var e *Error
	if !errors.As(err, &e) {
		tb.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if e.Message == "" || e.MessageVI == "" {
		tb.Fatalf("error %q has an empty message (en %q, vi %q)", e.Code, e.Message, e.MessageVI)
	}
	if fmtFault(e.Message) || fmtFault(e.MessageVI) {
		tb.Fatalf("error has a formatting fault: en %q, vi %q", e.Message, e.MessageVI)
	}
	return e
}

// fmtFault reports whether s shows a Printf argument fault.
func fmtFault(s string) bool {
	for _, mark := range []string{"%!(EXTRA", "(MISSING)", "%!(NOVERB)", "%!(BADINDEX)"} {
		if strings.Contains(s, mark) {
			return true
		}
	}
	return false
}
