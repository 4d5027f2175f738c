// Package meetingtest holds fixtures for tests of the packages around the
// domain: a small meeting ready to be run, as the commands a secretary sends.
package meetingtest

import (
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

// Secretary is the actor who prepares the small meeting.
var Secretary = meeting.Actor{Participant: "sec"}

// Chair, Delegates are the ids of the small meeting's chair and delegates.
const Chair = "chair"

// Delegates of the small meeting, all in the main hall.
var Delegates = []string{"d1", "d2", "d3"}

// SmallMeeting returns the commands that prepare and publish a meeting with
// id: a secretary, a chair and three delegates in one hall, three agenda
// items, a 10-page document "doc1" on item "i2", and a named poll "v1"
// (simple majority of the ballots cast) with the default choices.
func SmallMeeting(id string) []meeting.Command {
	return []meeting.Command{
		meeting.CreateMeeting{ID: id, Title: "Phiên họp thường kỳ Ủy ban nhân dân tỉnh", Place: "Phòng họp số 1",
			StartsAt:  time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC),
			Rooms:     []meeting.Room{{ID: "main", Name: "Hội trường chính", Main: true}},
			Secretary: meeting.Participant{ID: "sec", Name: "Phạm Thị Kim Oanh", Role: meeting.RoleSecretary, Room: "main"}},
		meeting.AddParticipant{Participant: meeting.Participant{ID: "chair", Name: "Lê Trường Lưu", Role: meeting.RoleChair, Room: "main", Seat: "A01"}},
		meeting.AddParticipant{Participant: meeting.Participant{ID: "d1", Name: "Nguyễn Thị Hương", Role: meeting.RoleDelegate, Room: "main", Seat: "A03"}},
		meeting.AddParticipant{Participant: meeting.Participant{ID: "d2", Name: "Trần Văn Đức", Role: meeting.RoleDelegate, Room: "main", Seat: "A04"}},
		meeting.AddParticipant{Participant: meeting.Participant{ID: "d3", Name: "Hoàng Thị Thu Hà", Role: meeting.RoleDelegate, Room: "main", Seat: "A05"}},
		meeting.AddDocument{Document: meeting.Document{ID: "doc1", Title: "Báo cáo kinh tế - xã hội 2026", Pages: 10, SHA256: strings.Repeat("ab", 32)}},
		meeting.AddAgendaItem{Item: meeting.Item{ID: "i1", Title: "Khai mạc"}},
		meeting.AddAgendaItem{Item: meeting.Item{ID: "i2", Title: "Báo cáo tình hình kinh tế - xã hội", Documents: []string{"doc1"}}},
		meeting.AddAgendaItem{Item: meeting.Item{ID: "i3", Title: "Bế mạc"}},
		meeting.CreatePoll{Poll: meeting.Poll{ID: "v1", Question: "Thông qua báo cáo kinh tế - xã hội năm 2026",
			Rule: meeting.Rule{Base: meeting.BaseCast, Threshold: meeting.Simple}}},
		meeting.Publish{},
	}
}
