package demo

import (
	"os"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

func TestNewPlanFrom(t *testing.T) {
	e2e, err := os.ReadFile("../../clients/web/e2e/vote-meeting.yaml")
	if err != nil {
		t.Fatalf("reading the web client's e2e meeting: %v", err)
	}
	for _, tc := range []struct {
		name                                 string
		data                                 []byte
		id                                   string
		people, polls, voters, contributions int
	}{
		{"the embedded demo", demoYAML, MeetingID, 17, 2, 14, 3},
		{"the web e2e meeting", e2e, "e2e-vote", 5, 1, 3, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPlanFrom(tc.data, tc.id)
			if err != nil {
				t.Fatalf("NewPlanFrom: %v", err)
			}
			cm, ok := p.Commands[0].(meeting.CreateMeeting)
			if !ok || cm.ID != tc.id || p.MeetingID != tc.id {
				t.Fatalf("first command %#v, plan id %q; want CreateMeeting %q", p.Commands[0], p.MeetingID, tc.id)
			}
			polls, voters, contributions := 0, 0, 0
			st := meeting.NewState()
			at := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
			for _, c := range p.Commands {
				if _, ok := c.(meeting.CreatePoll); ok {
					polls++
				}
				if _, ok := c.(meeting.AddContribution); ok {
					contributions++
				}
				if _, ok := c.(meeting.AddDocument); ok {
					continue
				}
				// Every command of the plan is accepted, in order.
				evs, err := meeting.Decide(st, meeting.Actor{Participant: p.Secretary}, c, at)
				if err != nil {
					t.Fatalf("%s: %v", c.CommandName(), err)
				}
				for _, e := range evs {
					if err := st.Apply(e); err != nil {
						t.Fatal(err)
					}
				}
			}
			if contributions != tc.contributions || len(st.Floor.Contributions) != tc.contributions {
				t.Errorf("contributions %d planned, %d folded; want %d", contributions, len(st.Floor.Contributions), tc.contributions)
			}
			for _, pt := range p.People {
				if pt.Voter() {
					voters++
				}
			}
			if len(p.People) != tc.people || polls != tc.polls || voters != tc.voters {
				t.Errorf("people %d, polls %d, voters %d; want %d, %d, %d", len(p.People), polls, voters, tc.people, tc.polls, tc.voters)
			}
		})
	}
	t.Run("the file's id is read", func(t *testing.T) {
		id, err := YAMLMeetingID(e2e)
		if err != nil || id != "e2e-vote" {
			t.Fatalf("YAMLMeetingID = %q, %v; want e2e-vote", id, err)
		}
	})
	t.Run("no meeting id", func(t *testing.T) {
		if _, err := NewPlanFrom(demoYAML, ""); err == nil {
			t.Fatal("want an error for an empty meeting id")
		}
	})
}
