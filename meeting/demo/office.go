package demo

import (
	"context"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
)

// CommitteeID is the demo's committee: the voting members of the demo
// meeting, its chair chairing.
const CommitteeID = "bch-tinh"

// Registry is what seeding the office needs from the registry
// (*committees.Service is one).
type Registry interface {
	PutPerson(ctx context.Context, p office.Person) (office.Person, error)
	PutCommittee(ctx context.Context, c office.Committee) (office.Committee, error)
	Committee(ctx context.Context, id string) (office.Committee, error)
	LinkSeats(ctx context.Context, meetingID, committee string, ids []string) error
}

// Consultations is what seeding needs from the consultations
// (*consultations.Service is one).
type Consultations interface {
	Draft(ctx context.Context, actor office.Actor, committee string, d office.Draft) (*office.Consultation, error)
	Execute(ctx context.Context, id string, actor office.Actor, cmd office.Command) ([]office.Event, error)
}

// SeedOffice makes the between-meetings part of the demo from the demo
// meeting's state st: every voting member becomes a person of the office
// (under their participant id, so the meeting is on their calendars) and a
// member of the committee CommitteeID, the meeting's chair chairing, seated
// as that person in the meeting (LinkSeats); and a
// written consultation of the committee, approved by the chair, open until
// three days after now. It does nothing when the committee exists (a store
// seeded before) and returns the consultation's id, if it made one.
func SeedOffice(ctx context.Context, reg Registry, cons Consultations, st *meeting.State, now time.Time) (string, error) {
	if _, err := reg.Committee(ctx, CommitteeID); err == nil {
		return "", nil
	} else if meeting.ErrorCode(err) != meeting.NotFound {
		return "", err
	}
	com := office.Committee{ID: CommitteeID, Name: "Ban Chấp hành Đảng bộ tỉnh"}
	for _, id := range st.Order {
		p := st.Participant(id)
		if p == nil || !p.Voter() {
			continue
		}
		if _, err := reg.PutPerson(ctx, office.Person{ID: p.ID, Name: p.Name, Title: p.Title, Unit: "Tỉnh ủy"}); err != nil {
			return "", err
		}
		com.Members = append(com.Members, office.Member{Person: p.ID, Title: p.Title, Chair: p.Role == meeting.RoleChair})
	}
	if _, err := reg.PutCommittee(ctx, com); err != nil {
		return "", err
	}
	// The meeting's members are the committee's people: their tablets
	// answer the committee's consultations (docs/between-meetings.md).
	ids := make([]string, 0, len(com.Members))
	for _, m := range com.Members {
		ids = append(ids, m.Person)
	}
	if err := reg.LinkSeats(ctx, st.ID, CommitteeID, ids); err != nil {
		return "", err
	}
	chair, ok := com.Chair()
	if !ok {
		return "", nil
	}
	c, err := cons.Draft(ctx, office.Actor{Secretary: true, Staff: true, Account: "demo"}, CommitteeID, office.Draft{
		Title:       "Lấy ý kiến về dự thảo Quy chế làm việc của Ban Chấp hành Đảng bộ tỉnh khóa XVI",
		Description: "Văn phòng Tỉnh ủy xin ý kiến các đồng chí Ủy viên Ban Chấp hành về dự thảo Quy chế làm việc (sửa đổi).",
		Questions: []office.Question{
			{Text: "Đồng chí có đồng ý thông qua dự thảo Quy chế làm việc?"},
			{ID: "gop-y", Kind: office.QuestionFree, Text: "Ý kiến góp ý cụ thể (nếu có)"},
		},
		Deadline: now.Add(72 * time.Hour).Truncate(time.Hour),
	})
	if err != nil {
		return "", err
	}
	if _, err := cons.Execute(ctx, c.ID, office.Actor{Person: chair.Person}, office.Approve{}); err != nil {
		return "", err
	}
	return c.ID, nil
}

// Conclusions is what seeding needs from the conclusions
// (*conclusions.Service is one).
type Conclusions interface {
	Draft(ctx context.Context, actor office.Actor, committee string, d office.DraftConclusion) (*office.Conclusion, error)
	Approve(ctx context.Context, id string, actor office.Actor) (*office.Conclusion, error)
	Execute(ctx context.Context, id string, actor office.Actor, cmd office.Command) ([]office.Event, error)
}

// SeedConclusion makes a published conclusion of the demo meeting's first
// agenda item, approved by the committee's chair (the meeting's), with two
// tasks: one for a member due in two weeks, one for a unit whose deadline
// passed yesterday (late on the dashboard at once). Call it once, after
// SeedOffice made the committee; it returns the conclusion.
func SeedConclusion(ctx context.Context, cs Conclusions, st *meeting.State, now time.Time) (*office.Conclusion, error) {
	if len(st.Agenda) == 0 {
		return nil, nil
	}
	var chair, member string
	for _, id := range st.Order {
		p := st.Participant(id)
		switch {
		case p == nil || !p.Voter():
		case p.Role == meeting.RoleChair:
			chair = p.ID
		case member == "":
			member = p.ID
		}
	}
	if chair == "" || member == "" {
		return nil, nil
	}
	day := now.Truncate(time.Hour)
	c, err := cs.Draft(ctx, office.Actor{Secretary: true, Staff: true, Account: "demo"}, CommitteeID, office.DraftConclusion{
		Meeting: st.ID, AgendaItem: st.Agenda[0].ID, Kind: office.KindConclusion,
		Title: "Kết luận về " + st.Agenda[0].Title,
		Text: "Ban Chấp hành Đảng bộ tỉnh thống nhất với nội dung tờ trình và giao các cơ quan liên quan khẩn trương triển khai.\n" +
			"Giao Văn phòng Tỉnh ủy theo dõi, đôn đốc và báo cáo kết quả thực hiện.",
		Tasks: []office.TaskDraft{
			{Title: "Hoàn thiện đề án, trình Ban Thường vụ Tỉnh ủy", Assignee: office.Assignee{Kind: office.AssignPerson, Person: member}, Deadline: day.Add(14 * 24 * time.Hour)},
			{Title: "Tổ chức quán triệt, tuyên truyền nội dung kết luận", Assignee: office.Assignee{Kind: office.AssignUnit, Name: "Ban Tuyên giáo Tỉnh ủy"}, Deadline: day.Add(-24 * time.Hour)},
		},
	})
	if err != nil {
		return nil, err
	}
	if _, err := cs.Approve(ctx, c.ID, office.Actor{Person: chair}); err != nil {
		return nil, err
	}
	if _, err := cs.Execute(ctx, c.ID, office.Actor{Person: chair}, office.PublishConclusion{}); err != nil {
		return nil, err
	}
	return c, nil
}
