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
	task, _ := c.Task("t1")
	if c.Numbered != "15-KL/TU" || c.Status != office.StatusPublished || task.State(t0.Add(4*time.Hour)) != office.TaskDone || len(task.Reports) != 2 || task.Reminded.IsZero() {
		t.Fatalf("folded: %+v, task %+v", c, task)
	}
}
