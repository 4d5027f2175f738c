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
// member of the committee CommitteeID, the meeting's chair chairing; and a
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
	chair, ok := com.Chair()
	if !ok {
		return "", nil
	}
	c, err := cons.Draft(ctx, office.Actor{Secretary: true, Account: "demo"}, CommitteeID, office.Draft{
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
