package office_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
)

var (
	sha64  = strings.Repeat("ab", 32)
	sha64b = strings.Repeat("cd", 32)
)

var committee = office.Committee{ID: "btv", Name: "Ban Thường vụ", Members: []office.Member{{Person: "chu", Chair: true}, {Person: "an"}}}

func draftedConclusion(t *testing.T) *office.Conclusion {
	t.Helper()
	c := &office.Conclusion{}
	evs, err := office.DecideConclusion(c, office.Actor{Secretary: true, Account: "vp"}, office.DraftConclusion{ID: "kl-1", Meeting: "m", AgendaItem: "a1",
		Committee: committee, People: map[string]office.Person{"an": {ID: "an", Name: "Nguyễn Văn An"}},
		Title: "Kết luận", Text: "Nội dung", Tasks: []office.TaskDraft{{Title: "Việc", Assignee: office.Assignee{Kind: office.AssignPerson, Person: "an"}, Deadline: t0.Add(time.Hour)}}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if err := c.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// TestConclusionRefusals: who may do what, in which status; each refusal
// with its code and both messages, and no event.
func TestConclusionRefusals(t *testing.T) {
	c := draftedConclusion(t)
	sec, chair, an := office.Actor{Secretary: true, Account: "vp"}, office.Actor{Person: "chu"}, office.Actor{Person: "an"}
	approve := office.ApproveConclusion{Series: "KL/TU", Year: 2026, Number: 4}
	for _, tc := range []struct {
		name  string
		actor office.Actor
		cmd   office.Command
		code  meeting.Code
	}{
		{"a member approves", an, approve, meeting.Forbidden},
		{"the secretary approves", sec, approve, meeting.Forbidden},
		{"approval without a number", chair, office.ApproveConclusion{}, meeting.Internal},
		{"publish a draft", sec, office.PublishConclusion{}, meeting.Conflict},
		{"a member publishes", an, office.PublishConclusion{}, meeting.Forbidden},
		{"report on a draft", an, office.ReportTask{Task: "t1", Note: "x"}, meeting.Conflict},
		{"report on no task", an, office.ReportTask{Task: "t9", Note: "x"}, meeting.NotFound},
		{"the chair edits", chair, office.EditConclusion{Title: "x", Text: "y"}, meeting.Forbidden},
		{"draft twice", sec, office.DraftConclusion{ID: "kl-1"}, meeting.Conflict},
		{"remind a draft", sec, office.RemindTasks{Tasks: []string{"t1"}}, meeting.Conflict},
		{"issue a draft's PDF for signing", chair, office.IssueConclusionRecord{Record: "conclusion/vi", SHA256: sha64, Size: 9}, meeting.Conflict},
		{"a member issues the PDF", an, office.IssueConclusionRecord{Record: "conclusion/vi", SHA256: sha64, Size: 9}, meeting.Forbidden},
		{"issue another record", chair, office.IssueConclusionRecord{Record: "minutes/vi", SHA256: sha64, Size: 9}, meeting.Invalid},
	} {
		evs, err := office.DecideConclusion(c, tc.actor, tc.cmd, t0)
		var e *meeting.Error
		if meeting.ErrorCode(err) != tc.code || len(evs) != 0 {
			t.Errorf("%s: %v (%d events), want %s", tc.name, err, len(evs), tc.code)
		} else if !asError(err, &e) || e.Message == "" || e.MessageVI == "" {
			t.Errorf("%s: %v lacks a message in both languages", tc.name, err)
		}
	}
	if _, err := office.DecideConclusion(&office.Conclusion{}, sec, office.PublishConclusion{}, t0); meeting.ErrorCode(err) != meeting.NotFound {
		t.Errorf("a command on no conclusion: %v", err)
	}
}

// TestConclusionEventsRoundTrip: every conclusion event type goes through
// its wire form (format 1: no "v") and folds to the same state.
func TestConclusionEventsRoundTrip(t *testing.T) {
	c := draftedConclusion(t)
	for _, step := range []struct {
		actor office.Actor
		cmd   office.Command
		at    time.Time
	}{
		{office.Actor{Person: "chu"}, office.ApproveConclusion{Series: "KL/TU", Year: 2026, Number: 15}, t0},
		{office.Actor{Secretary: true}, office.PublishConclusion{}, t0},
		{office.Actor{Person: "an"}, office.ReportTask{Task: "t1", Percent: 30, Note: "Đang làm"}, t0},
		{office.Actor{System: true}, office.RemindTasks{Tasks: []string{"t1"}}, t0.Add(2 * time.Hour)},
		{office.Actor{Person: "an"}, office.ReportTask{Task: "t1", Done: true, Attachment: &office.Document{ID: "d", SHA256: "ab", Pages: 2}}, t0.Add(3 * time.Hour)},
		{office.Actor{Secretary: true, Account: "vp"}, office.IssueConclusionRecord{Record: "conclusion/vi", SHA256: sha64, Size: 9}, t0.Add(4 * time.Hour)},
		{office.Actor{Person: "chu"}, office.SignConclusionRecord{Record: "conclusion/vi", Prev: sha64, SHA256: sha64b, Size: 12, Signer: "Lê Văn Chủ", Level: "B-B", Where: "server"}, t0.Add(5 * time.Hour)},
	} {
		evs, err := office.DecideConclusion(c, step.actor, step.cmd, step.at)
		if err != nil || len(evs) != 1 {
			t.Fatalf("%T: %v", step.cmd, err)
		}
		b, err := json.Marshal(evs[0])
		if err != nil || strings.Contains(string(b), `"v":`) {
			t.Fatalf("%s: %s, %v", evs[0].Type(), b, err)
		}
		var back office.Event
		if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, evs[0]) {
			t.Fatalf("%s round trip: %+v, %v", evs[0].Type(), back, err)
		}
		if err := c.Apply(back); err != nil {
			t.Fatal(err)
		}
	}
	r := c.Records["conclusion/vi"]
	if r == nil || r.SHA256 != sha64b || r.IssuedBy != "account:vp" || len(r.Signatures) != 1 || r.Signatures[0].Participant != "chu" || r.Signatures[0].Signer != "Lê Văn Chủ" {
		t.Fatalf("the signed record folded: %+v", r)
	}
	// Signing the version before (someone signed meanwhile), a stranger,
	// a bad level: refused, nothing changes.
	for _, tc := range []struct {
		actor office.Actor
		cmd   office.SignConclusionRecord
		code  meeting.Code
	}{
		{office.Actor{Person: "chu"}, office.SignConclusionRecord{Record: "conclusion/vi", Prev: sha64, SHA256: sha64b, Size: 12, Signer: "X", Level: "B-B", Where: "token"}, meeting.Conflict},
		{office.Actor{Person: "an"}, office.SignConclusionRecord{Record: "conclusion/vi", Prev: sha64b, SHA256: sha64, Size: 12, Signer: "X", Level: "B-B", Where: "token"}, meeting.Forbidden},
		{office.Actor{Person: "chu"}, office.SignConclusionRecord{Record: "conclusion/vi", Prev: sha64b, SHA256: sha64, Size: 12, Signer: "X", Level: "LT", Where: "token"}, meeting.Invalid},
		{office.Actor{Person: "chu"}, office.SignConclusionRecord{Record: "conclusion/en", Prev: sha64b, SHA256: sha64, Size: 12, Signer: "X", Level: "B-B", Where: "token"}, meeting.Conflict},
	} {
		if evs, err := office.DecideConclusion(c, tc.actor, tc.cmd, t0); meeting.ErrorCode(err) != tc.code || len(evs) != 0 {
			t.Errorf("%+v by %+v: %v, want %s", tc.cmd, tc.actor, err, tc.code)
		}
	}
	task, _ := c.Task("t1")
	if c.Numbered != "15-KL/TU" || c.Status != office.StatusPublished || task.State(t0.Add(4*time.Hour)) != office.TaskDone || len(task.Reports) != 2 || task.Reminded.IsZero() {
		t.Fatalf("folded: %+v, task %+v", c, task)
	}
}

// TestConsultationRecordAndMark: a closed consultation's summary is issued
// and signed through the wire form (format 1) and folds into Records; the
// mark of an import (ConsultationArchived) then refuses every command with
// the archive's refusal and a second mark does not fold.
func TestConsultationRecordAndMark(t *testing.T) {
	c := drafted(t)
	mustRun(t, c, chair, office.Approve{}, t0)
	mustRun(t, c, chair, office.Close{}, t0.Add(time.Hour))
	mustRun(t, c, secretary, office.IssueConsultationRecord{Record: "summary/vi", SHA256: sha64, Size: 9}, t0.Add(2*time.Hour))
	mustRun(t, c, chair, office.SignConsultationRecord{Record: "summary/vi", Prev: sha64, SHA256: sha64b, Size: 12, Signer: "Lê Văn Chủ", Level: "B-T", Where: "server"}, t0.Add(3*time.Hour))
	r := c.Records["summary/vi"]
	if r == nil || r.SHA256 != sha64b || len(r.Signatures) != 1 || r.Signatures[0].Participant != chair.Person || r.Signatures[0].Level != "B-T" {
		t.Fatalf("the signed summary folded: %+v", r)
	}
	if err := run(t, c, chair, office.SignConsultationRecord{Record: "summary/vi", Prev: sha64, SHA256: sha64b, Size: 12, Signer: "X", Level: "B-B", Where: "token"}, t0); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("signing the version before: %v", err)
	}
	mark, err := office.ArchivedMark("consultation", strings.Repeat("ef", 32), c.Version, sha64, t0.Add(4*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(mark)
	var back office.Event
	if err := json.Unmarshal(b, &back); err != nil || strings.Contains(string(b), `"v":`) {
		t.Fatalf("%s: %v", b, err)
	}
	back.Seq = mark.Seq
	if err := c.Apply(back); err != nil || c.Archived == nil || c.Archived.Events != c.Version-1 {
		t.Fatalf("the mark folded: %+v, %v", c.Archived, err)
	}
	v := c.Version
	for _, cmd := range []office.Command{office.IssueConsultationRecord{Record: "summary/en", SHA256: sha64, Size: 9}, office.Close{}, office.Remind{To: []string{"m02"}}} {
		if err := run(t, c, chair, cmd, t0.Add(5*time.Hour)); meeting.ErrorCode(err) != meeting.Archived {
			t.Fatalf("%s on an imported consultation: %v", cmd.CommandName(), err)
		}
	}
	again, _ := office.ArchivedMark("consultation", strings.Repeat("ef", 32), c.Version, sha64, t0)
	if err := c.Apply(again); err == nil || c.Version != v {
		t.Fatalf("a second mark folded (%v)", err)
	}
}

// TestTaskReportsBounded: a task takes MaxTaskAttachments files and
// MaxTaskReports reports; past them a report (with a file; any report)
// is refused Conflict with both messages, and nothing is produced — the
// service decides before it stores the file, so a refused file is never
// kept (an assignee could otherwise fill the node's disk).
func TestTaskReportsBounded(t *testing.T) {
	c := draftedConclusion(t)
	for _, cmd := range []office.Command{office.ApproveConclusion{Series: "KL/TU", Year: 2026, Number: 3}, office.PublishConclusion{}} {
		actor := office.Actor{Person: "chu"}
		if _, ok := cmd.(office.PublishConclusion); ok {
			actor = office.Actor{Secretary: true}
		}
		evs, err := office.DecideConclusion(c, actor, cmd, t0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if err := c.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
	}
	an := office.Actor{Person: "an"}
	report := func(withFile bool) error {
		r := office.ReportTask{Task: "t1", Percent: 10, Note: "Tiến độ"}
		if withFile {
			r.Attachment = &office.Document{ID: "d", Title: "Báo cáo", SHA256: sha64, Pages: 1}
		}
		evs, err := office.DecideConclusion(c, an, r, t0)
		if err != nil {
			if len(evs) != 0 {
				t.Fatalf("a refusal produced %d events", len(evs))
			}
			return err
		}
		for _, e := range evs {
			if err := c.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	}
	for i := range office.MaxTaskAttachments {
		if err := report(true); err != nil {
			t.Fatalf("attachment %d: %v", i+1, err)
		}
	}
	err := report(true)
	var e *meeting.Error
	if meeting.ErrorCode(err) != meeting.Conflict || !asError(err, &e) || e.MessageVI == "" || e.Message == "" {
		t.Fatalf("attachment %d: %v, want Conflict in both languages", office.MaxTaskAttachments+1, err)
	}
	for i := office.MaxTaskAttachments; i < office.MaxTaskReports; i++ {
		if err := report(false); err != nil {
			t.Fatalf("report %d without a file: %v", i+1, err)
		}
	}
	if err := report(false); meeting.ErrorCode(err) != meeting.Conflict {
		t.Fatalf("report %d: %v, want Conflict", office.MaxTaskReports+1, err)
	}
	if task, _ := c.Task("t1"); len(task.Reports) != office.MaxTaskReports {
		t.Fatalf("%d reports kept, want %d", len(task.Reports), office.MaxTaskReports)
	}
}

// TestTaskState: a task of a conclusion imported from an archive is never
// open or late here (it takes no report and no reminder): done if it was
// done when archived, else imported; the office's own keep their state.
func TestTaskState(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	before, after := now.Add(-time.Hour), now.Add(time.Hour)
	mark := &meeting.ArchiveMark{}
	tests := []struct {
		name     string
		archived *meeting.ArchiveMark
		task     office.Task
		want     string
	}{
		{"own, before its deadline", nil, office.Task{Deadline: after}, office.TaskOpen},
		{"own, past its deadline", nil, office.Task{Deadline: before}, office.TaskLate},
		{"own, done", nil, office.Task{Deadline: before, Done: before}, office.TaskDone},
		{"imported, past its deadline", mark, office.Task{Deadline: before}, office.TaskImported},
		{"imported, before its deadline", mark, office.Task{Deadline: after}, office.TaskImported},
		{"imported, done when archived", mark, office.Task{Deadline: before, Done: before}, office.TaskDone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &office.Conclusion{Archived: tt.archived}
			if got := c.TaskState(tt.task, now); got != tt.want {
				t.Fatalf("TaskState = %q, want %q", got, tt.want)
			}
		})
	}
}
