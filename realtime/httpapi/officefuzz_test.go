package httpapi

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
)

// officeRequests are the office's request bodies as the routes decode
// them, each followed through the decision it feeds (consultations,
// conclusions, people, committees, reports).
var officeRequests = []string{"draft consultation", "answer", "draft conclusion", "report", "person", "committee"}

// FuzzOfficeRequests: any body of the office's routes is decoded as the
// route does (decodeJSON: one value, no unknown field) and, if it
// decodes, decided on as the service would. No panic; a refusal is a
// *meeting.Error in both languages; what is accepted holds no control or
// bidirectional-override character and is composed (NFC), and its
// events fold.
func FuzzOfficeRequests(f *testing.F) {
	deadline := `"2026-12-10T10:00:00Z"`
	for i, s := range []string{
		`{"committee":"btv","title":"Lấy ý kiến về quy chế","description":"Dòng 1\nDòng 2","questions":[{"text":"Đồng ý?"},{"text":"Ý kiến","kind":"free"}],"deadline":` + deadline + `}`,
		`{"answers":[{"question":"q1","choice":"Ý kiến khác","text":"Đề nghị bổ sung"}]}`,
		`{"agenda_item":"i1","kind":"resolution","title":"Nghị quyết","text":"Nội dung","tasks":[{"title":"Báo cáo","assignee":{"kind":"person","person":"b"},"deadline":` + deadline + `},{"title":"Tuyên truyền","assignee":{"kind":"unit","name":"Ban Tuyên giáo"},"deadline":` + deadline + `}]}`,
		`{"percent":40,"note":"Đang thực hiện"}`,
		`{"name":"Nguyễn Văn A","title":"Bí thư","unit":"Văn phòng","email":"a@tinhuy.example","account":"a"}`,
		`{"name":"Ban Thường vụ","members":[{"person":"a","chair":true},{"person":"b","title":"Ủy viên"}],"majority":"two_thirds"}`,
	} {
		f.Add(uint8(i), []byte(s))
	}
	f.Add(uint8(0), []byte(`{"committee":"btv","title":"L\u1ea5y \u202e","questions":[{"text":"x"}],"deadline":`+deadline+`}{"x":1}`))
	f.Add(uint8(4), []byte(`{"name":"Nguye\u0302\u0303n\u200b"}`))
	f.Add(uint8(5), []byte(`{"name":"x","members":[[[[[[[[[[]]]]]]]]]]}`))
	now := time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
	com := office.Committee{ID: "btv", Name: "Ban Thường vụ", Members: []office.Member{{Person: "a", Chair: true}, {Person: "b"}}}
	people := map[string]office.Person{"a": {ID: "a", Name: "Trần Văn A"}, "b": {ID: "b", Name: "Lê Thị B", Unit: "Ban Tuyên giáo"}}
	sec := office.Actor{Secretary: true, Account: "vp"}
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		refused := func(err error) {
			t.Helper()
			var me *meeting.Error
			if !errors.As(err, &me) || me.Message == "" || me.MessageVI == "" {
				t.Fatalf("%s: %q refused without a clear error: %v", officeRequests[int(kind)%len(officeRequests)], body, err)
			}
		}
		var accepted any
		switch kind % uint8(len(officeRequests)) {
		case 0:
			var req draftRequest
			if err := decodeJSON(body, &req); err != nil {
				refused(err)
				return
			}
			evs, err := office.Decide(&office.Consultation{}, sec, office.Draft{ID: "lyk-1", Committee: com, Title: req.Title,
				Description: req.Description, Questions: req.Questions, Deadline: req.Deadline}, now)
			if err != nil {
				refused(err)
				return
			}
			c := &office.Consultation{}
			for _, e := range evs {
				if err := c.Apply(e); err != nil {
					t.Fatalf("an accepted draft does not fold: %v", err)
				}
			}
			accepted = evs
		case 1:
			var req office.Give
			if err := decodeJSON(body, &req); err != nil {
				refused(err)
				return
			}
			c := openConsultation(t, com, now)
			evs, err := office.Decide(c, office.Actor{Person: "b"}, req, now)
			if err != nil {
				refused(err)
				return
			}
			accepted = evs
		case 2:
			var req conclusionRequest
			if err := decodeJSON(body, &req); err != nil {
				refused(err)
				return
			}
			evs, err := office.DecideConclusion(&office.Conclusion{}, sec, office.DraftConclusion{ID: "kl-1", Kind: req.Kind, Meeting: "m1",
				AgendaItem: req.AgendaItem, Title: req.Title, Text: req.Text, Tasks: req.Tasks, Committee: com, People: people}, now)
			if err != nil {
				refused(err)
				return
			}
			k := &office.Conclusion{}
			for _, e := range evs {
				if err := k.Apply(e); err != nil {
					t.Fatalf("an accepted conclusion does not fold: %v", err)
				}
			}
			accepted = evs
		case 3:
			var req struct {
				Percent int    `json:"percent"`
				Done    bool   `json:"done"`
				Note    string `json:"note"`
			}
			if err := decodeJSON(body, &req); err != nil {
				refused(err)
				return
			}
			k := publishedConclusion(t, com, people, now)
			evs, err := office.DecideConclusion(k, office.Actor{Person: "b"}, office.ReportTask{Task: "t1", Percent: req.Percent, Done: req.Done, Note: req.Note}, now)
			if err != nil {
				refused(err)
				return
			}
			accepted = evs
		case 4:
			var req office.Person
			if err := decodeJSON(body, &req); err != nil {
				refused(err)
				return
			}
			req.ID = "p1"
			if err := req.Check(); err != nil {
				refused(err)
				return
			}
			accepted = req
		case 5:
			var req office.Committee
			if err := decodeJSON(body, &req); err != nil {
				refused(err)
				return
			}
			req.ID = "c1"
			if err := req.Check(func(p string) bool { _, ok := people[p]; return ok }); err != nil {
				refused(err)
				return
			}
			accepted = req
		}
		checkStrings(t, reflect.ValueOf(accepted))
	})
}

// checkStrings fails on a string in v holding a control character other
// than a tab or a line break, a bidirectional embedding, override or
// isolate, or not composed.
func checkStrings(t *testing.T, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		for _, r := range s {
			if (r < 0x20 && r != '\t' && r != '\n') || (r >= 0x7f && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
				t.Fatalf("accepted text %q holds U+%04X", s, r)
			}
		}
		if !norm.NFC.IsNormalString(s) {
			t.Fatalf("accepted text %q is not composed", s)
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			checkStrings(t, v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			checkStrings(t, v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			checkStrings(t, v.MapIndex(k))
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				checkStrings(t, v.Field(i))
			}
		}
	}
}

// openConsultation is a consultation of com with one choice question,
// approved by its chair.
func openConsultation(t *testing.T, com office.Committee, now time.Time) *office.Consultation {
	c := &office.Consultation{}
	for _, s := range []struct {
		a   office.Actor
		cmd office.Command
	}{
		{office.Actor{Secretary: true}, office.Draft{ID: "lyk-1", Committee: com, Title: "Lấy ý kiến", Questions: []office.Question{{Text: "Đồng ý?"}, {Text: "Ý kiến", Kind: office.QuestionFree}}, Deadline: now.Add(time.Hour)}},
		{office.Actor{Person: "a"}, office.Approve{}},
	} {
		evs, err := office.Decide(c, s.a, s.cmd, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if err := c.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
	}
	return c
}

// publishedConclusion is a published conclusion of com with b's task t1.
func publishedConclusion(t *testing.T, com office.Committee, people map[string]office.Person, now time.Time) *office.Conclusion {
	k := &office.Conclusion{}
	for _, s := range []struct {
		a   office.Actor
		cmd office.Command
	}{
		{office.Actor{Secretary: true}, office.DraftConclusion{ID: "kl-1", Meeting: "m1", AgendaItem: "i1", Title: "Kết luận", Text: "Nội dung", Committee: com, People: people,
			Tasks: []office.TaskDraft{{Title: "Báo cáo", Assignee: office.Assignee{Kind: office.AssignPerson, Person: "b"}, Deadline: now.Add(time.Hour)}}}},
		{office.Actor{Person: "a"}, office.ApproveConclusion{Series: "KL/TU", Year: 2026, Number: 1}},
		{office.Actor{Secretary: true}, office.PublishConclusion{}},
	} {
		evs, err := office.DecideConclusion(k, s.a, s.cmd, now)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if err := k.Apply(e); err != nil {
				t.Fatal(err)
			}
		}
	}
	return k
}
