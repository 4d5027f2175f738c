package office_test

import (
	"testing"

	"github.com/dais-meeting/dais/meeting/office"
)

// TestHideEmails: the addresses of others than me are cleared from a copy
// (me's kept, all with me ""), and an event's copy is cleared without
// touching the event it was made from (a cached fold or record).
func TestHideEmails(t *testing.T) {
	c := &office.Consultation{Members: []office.Consulted{{Person: "a", Email: "a@x.vn"}, {Person: "b", Email: "b@x.vn"}}}
	c.HideEmails("a")
	if c.Members[0].Email != "a@x.vn" || c.Members[1].Email != "" {
		t.Fatalf("consultation: %+v", c.Members)
	}
	k := &office.Conclusion{Tasks: []office.Task{
		{Assignee: office.Assignee{Kind: office.AssignPerson, Person: "a", Email: "a@x.vn"}},
		{Assignee: office.Assignee{Kind: office.AssignPerson, Person: "b", Email: "b@x.vn"}},
	}}
	k.HideEmails("")
	if k.Tasks[0].Assignee.Email != "" || k.Tasks[1].Assignee.Email != "" {
		t.Fatalf("conclusion: %+v", k.Tasks)
	}
	members := []office.Consulted{{Person: "a", Email: "a@x.vn"}, {Person: "b", Email: "b@x.vn"}}
	ev := office.Event{Data: office.ConsultationDrafted{Members: members}}
	got := office.HideEventEmails(ev, "b").Data.(office.ConsultationDrafted)
	if got.Members[0].Email != "" || got.Members[1].Email != "b@x.vn" || members[0].Email != "a@x.vn" {
		t.Fatalf("event: %+v, original %+v", got.Members, members)
	}
	tasks := []office.Task{{Assignee: office.Assignee{Kind: office.AssignPerson, Person: "a", Email: "a@x.vn"}}}
	for _, d := range []office.EventData{office.ConclusionDrafted{Tasks: tasks}, office.ConclusionEdited{Tasks: tasks}} {
		out := office.HideEventEmails(office.Event{Data: d}, "b").Data
		var ts []office.Task
		switch x := out.(type) {
		case office.ConclusionDrafted:
			ts = x.Tasks
		case office.ConclusionEdited:
			ts = x.Tasks
		}
		if ts[0].Assignee.Email != "" || tasks[0].Assignee.Email != "a@x.vn" {
			t.Fatalf("%T: %+v, original %+v", d, ts, tasks)
		}
	}
	rows := []office.CommitteeTasks{{Tasks: []office.TaskRow{{Task: office.Task{Assignee: office.Assignee{Kind: office.AssignPerson, Person: "a", Email: "a@x.vn"}}}},
		Imported: []office.TaskRow{{Task: office.Task{Assignee: office.Assignee{Kind: office.AssignPerson, Person: "b", Email: "b@x.vn"}}}}}}
	office.HideDashboardEmails(rows, "c")
	if rows[0].Tasks[0].Assignee.Email != "" || rows[0].Imported[0].Assignee.Email != "" {
		t.Fatalf("dashboard: %+v", rows)
	}
}
