package office_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
)

// TestConsultationMatrix: every consultation command for every kind of
// actor in each status, allowed ("") or refused with the code written here
// (by hand, not computed from the code under test). The secretary is an
// office account that is no member; the chair (m01) is a member too.
func TestConsultationMatrix(t *testing.T) {
	actors := map[string]office.Actor{
		"secretary": secretary, "chair": chair, "member": member(2),
		"stranger": {Person: "zz"}, "system": system,
	}
	doc := office.Document{ID: "0123456789abcdef", Title: "Dự thảo", SHA256: "ab", Size: 1, Pages: 2}
	qs := []office.Question{{Text: "Đồng ý?"}}
	cmds := map[string]office.Command{
		"Edit":        office.Edit{Title: "Sửa", Questions: qs, Deadline: t0.Add(60 * time.Hour)},
		"AddDocument": office.AddDocument{Document: doc},
		"Approve":     office.Approve{},
		"Give":        office.Give{Answers: []office.Answer{{Question: "q1", Choice: "Đồng ý"}, {Question: "gopy", Text: "Không."}}},
		"Remind":      office.Remind{To: []string{"m04"}},
		"Close":       office.Close{},
		"IssueRecord": office.IssueConsultationRecord{Record: "summary/vi", SHA256: strings.Repeat("ab", 32), Size: 10},
		// signing a version never issued
		"SignRecord": office.SignConsultationRecord{Record: "summary/vi", Prev: strings.Repeat("ab", 32), SHA256: strings.Repeat("cd", 32), Size: 11,
			Signer: "Lê Thu Trang", Level: "B-B", Where: "token"},
	}
	const (
		F = meeting.Forbidden
		C = meeting.Conflict
	)
	type row map[string]meeting.Code // actor → code
	matrix := map[string]map[string]row{
		"draft": {
			"Edit":        {"secretary": "", "chair": F, "member": F, "stranger": F, "system": F},
			"AddDocument": {"secretary": "", "chair": F, "member": F, "stranger": F, "system": F},
			"Approve":     {"secretary": F, "chair": "", "member": F, "stranger": F, "system": F},
			"Give":        {"secretary": F, "chair": C, "member": C, "stranger": F, "system": F},
			"Remind":      {"secretary": C, "chair": F, "member": F, "stranger": F, "system": C},
			"Close":       {"secretary": F, "chair": C, "member": F, "stranger": F, "system": C},
			"IssueRecord": {"secretary": C, "chair": C, "member": F, "stranger": F, "system": F},
			"SignRecord":  {"secretary": C, "chair": C, "member": F, "stranger": F, "system": F},
		},
		"open": {
			"Edit":        {"secretary": C, "chair": F, "member": F, "stranger": F, "system": F},
			"AddDocument": {"secretary": C, "chair": F, "member": F, "stranger": F, "system": F},
			"Approve":     {"secretary": F, "chair": C, "member": F, "stranger": F, "system": F},
			"Give":        {"secretary": F, "chair": "", "member": "", "stranger": F, "system": F},
			"Remind":      {"secretary": "", "chair": F, "member": F, "stranger": F, "system": ""},
			"Close":       {"secretary": F, "chair": "", "member": F, "stranger": F, "system": C},
			"IssueRecord": {"secretary": C, "chair": C, "member": F, "stranger": F, "system": F},
			"SignRecord":  {"secretary": C, "chair": C, "member": F, "stranger": F, "system": F},
		},
		"closed": {
			"Edit":        {"secretary": C, "chair": F, "member": F, "stranger": F, "system": F},
			"AddDocument": {"secretary": C, "chair": F, "member": F, "stranger": F, "system": F},
			"Approve":     {"secretary": F, "chair": C, "member": F, "stranger": F, "system": F},
			"Give":        {"secretary": F, "chair": C, "member": C, "stranger": F, "system": F},
			"Remind":      {"secretary": C, "chair": F, "member": F, "stranger": F, "system": C},
			"Close":       {"secretary": F, "chair": C, "member": F, "stranger": F, "system": C},
			"IssueRecord": {"secretary": "", "chair": "", "member": F, "stranger": F, "system": F},
			"SignRecord":  {"secretary": C, "chair": C, "member": F, "stranger": F, "system": F},
		},
	}
	at := t0.Add(time.Hour)
	for status, cmdRows := range matrix {
		for name, want := range cmdRows {
			if len(want) != len(actors) {
				t.Fatalf("%s/%s: a row without a word for every actor", status, name)
			}
			for who, code := range want {
				t.Run(status+"/"+name+"/"+who, func(t *testing.T) {
					c := drafted(t)
					switch status {
					case "open":
						mustRun(t, c, chair, office.Approve{}, t0)
					case "closed":
						mustRun(t, c, chair, office.Approve{}, t0)
						mustRun(t, c, chair, office.Close{}, t0)
					}
					v := c.Version
					evs, err := office.Decide(c, actors[who], cmds[name], at)
					if got := meeting.ErrorCode(err); got != code {
						t.Fatalf("%s by %s in %s: %v (code %q), want %q", name, who, status, err, got, code)
					}
					if err == nil && len(evs) == 0 {
						t.Fatalf("%s by %s in %s: allowed but no event", name, who, status)
					}
					if c.Version != v {
						t.Fatal("Decide changed the state")
					}
				})
			}
		}
	}
}

func mustRun(t *testing.T, c *office.Consultation, a office.Actor, cmd office.Command, at time.Time) {
	t.Helper()
	if err := run(t, c, a, cmd, at); err != nil {
		t.Fatalf("%s: %v", cmd.CommandName(), err)
	}
}
