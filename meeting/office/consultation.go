package office

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

// Status is where a consultation stands.
type Status string

// The statuses, in order: a draft is prepared by a secretary; the chair's
// approval sends it to the members (open); at the deadline, or when the
// chair closes it earlier, it is summed up (closed).
const (
	StatusDraft  Status = "draft"
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
)

// The default choices of a question (phiếu lấy ý kiến): the first one is
// the one that approves; "Ý kiến khác" asks for a text.
var DefaultChoices = []string{"Đồng ý", "Không đồng ý", "Ý kiến khác"}

// OtherChoice is the choice that asks for a written opinion.
const OtherChoice = "Ý kiến khác"

// Question kinds.
const (
	// QuestionChoice: one of Choices; the first approves; OtherChoice
	// needs a text.
	QuestionChoice = "choice"
	// QuestionFree: a written answer only (nothing passes or fails).
	QuestionFree = "free"
)

// Question is one question of a consultation.
type Question struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Kind string `json:"kind"`
	// Choices of a choice question; empty in a command: DefaultChoices.
	Choices []string `json:"choices,omitempty"`
}

// Document is a PDF a consultation asks about (a draft resolution, a
// report), stored as a blob.
type Document struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
	Pages  int    `json:"pages"`
}

// Consulted is a member asked to answer: who they were when it was drafted.
type Consulted struct {
	Person string `json:"person"`
	Name   string `json:"name"`
	Title  string `json:"title,omitempty"`
	Email  string `json:"email,omitempty"`
}

// Answer is a member's answer to one question.
type Answer struct {
	Question string `json:"question"`
	Choice   string `json:"choice,omitempty"`
	Text     string `json:"text,omitempty"`
}

// Actor is who sends a consultation command: a person of the registry
// (a member, the chair), an office account acting as secretary, or the
// server itself (the deadline, the reminders).
type Actor struct {
	// Person is the person the actor is, if any (members, the chair).
	Person string
	// Secretary: an office account (secretaries prepare consultations),
	// or a secretary of the meeting a conclusion is of.
	Secretary bool
	// Staff: the office's staff (an administrator, or the account of a
	// person marked staff) — not only a secretary of one meeting, which
	// any account may become by making a meeting. Only staff draft a
	// conclusion of a committee in a meeting the office did not make
	// from that committee (conclusions.Service.Draft).
	Staff bool
	// Account names the account, for the log.
	Account string
	// System: the server (deadline timer, reminders).
	System bool
}

func (a Actor) name() string {
	switch {
	case a.System:
		return "system"
	case a.Person != "":
		return a.Person
	}
	return "account:" + a.Account
}

// Consultation is the state of one consultation: the fold of its log.
type Consultation struct {
	ID            string      `json:"id"`
	Committee     string      `json:"committee"`
	CommitteeName string      `json:"committee_name"`
	Title         string      `json:"title"`
	Description   string      `json:"description,omitempty"`
	Questions     []Question  `json:"questions"`
	Documents     []Document  `json:"documents"`
	Deadline      time.Time   `json:"deadline"`
	Members       []Consulted `json:"members"`
	Chair         string      `json:"chair"`
	Majority      string      `json:"majority,omitempty"`
	Status        Status      `json:"status"`
	CreatedBy     string      `json:"created_by,omitempty"`
	Created       time.Time   `json:"created"`
	Approved      time.Time   `json:"approved,omitzero"`
	Closed        time.Time   `json:"closed,omitzero"`
	// ClosedBy is "deadline" or "chair".
	ClosedBy string `json:"closed_by,omitempty"`
	// Answers per person: their latest answer to each question.
	Answers map[string][]Answer `json:"answers"`
	// Answered is when each person last answered.
	Answered map[string]time.Time `json:"answered"`
	// Reminded is when each person was last reminded.
	Reminded map[string]time.Time `json:"reminded,omitempty"`
	// Result is the summary, once closed.
	Result *Summary `json:"result,omitempty"`
	// Records are the summary's PDFs issued for signing, by record key
	// (ConsultationRecordKey: "summary/vi", "summary/en"): the current
	// version and who signed it (consultation_record.go).
	Records map[string]*meeting.SignedRecord `json:"records,omitempty"`
	// Archived is set on a consultation imported from an archive: read
	// only (archived.go).
	Archived *meeting.ArchiveMark `json:"archived,omitempty"`
	Version  uint64               `json:"version"`
}

// Exists reports whether the consultation has been drafted.
func (c *Consultation) Exists() bool { return c != nil && c.Version > 0 }

// IsMember reports whether person is asked to answer.
func (c *Consultation) IsMember(person string) bool {
	return slices.ContainsFunc(c.Members, func(m Consulted) bool { return m.Person == person })
}

// Member returns a consulted member.
func (c *Consultation) Member(person string) (Consulted, bool) {
	for _, m := range c.Members {
		if m.Person == person {
			return m, true
		}
	}
	return Consulted{}, false
}

// Unanswered are the members who have not answered, in list order.
func (c *Consultation) Unanswered() []Consulted {
	var out []Consulted
	for _, m := range c.Members {
		if _, ok := c.Answered[m.Person]; !ok {
			out = append(out, m)
		}
	}
	return out
}

// ---------------------------------------------------------------------------
// Commands

// Command is a request to change a consultation.
type Command interface{ CommandName() string }

type (
	// Draft starts a consultation of a committee: the members (and the
	// chair and majority rule) are taken from the committee as it is now.
	Draft struct {
		ID          string     `json:"id"`
		Committee   Committee  `json:"-"`
		People      []Person   `json:"-"`
		Title       string     `json:"title"`
		Description string     `json:"description,omitempty"`
		Questions   []Question `json:"questions"`
		Deadline    time.Time  `json:"deadline"`
	}
	// Edit replaces a draft's title, description, questions and deadline.
	Edit struct {
		Title       string     `json:"title"`
		Description string     `json:"description,omitempty"`
		Questions   []Question `json:"questions"`
		Deadline    time.Time  `json:"deadline"`
	}
	// AddDocument adds an uploaded, validated PDF to a draft.
	AddDocument struct {
		Document Document `json:"document"`
	}
	// Approve: the chair approves a draft, which sends it to the members.
	Approve struct{}
	// Give records a member's answers (all questions at once); a member may
	// answer again until the deadline, the last answer counts.
	Give struct {
		Answers []Answer `json:"answers"`
	}
	// Remind records that the members named were reminded (the server
	// does it before the deadline, to those who have not answered). Those
	// who have answered are left out; with Once, so are those reminded
	// before — the server's automatic reminder, decided again after a lost
	// race with another node, then reminds nobody twice.
	Remind struct {
		To   []string `json:"to"`
		Once bool     `json:"once,omitempty"`
	}
	// Close sums the consultation up: the chair at any time once open, the
	// server at the deadline.
	Close struct{}
)

func (Draft) CommandName() string       { return "Draft" }
func (Edit) CommandName() string        { return "Edit" }
func (AddDocument) CommandName() string { return "AddDocument" }
func (Approve) CommandName() string     { return "Approve" }
func (Give) CommandName() string        { return "Give" }
func (Remind) CommandName() string      { return "Remind" }
func (Close) CommandName() string       { return "Close" }

// ---------------------------------------------------------------------------
// Events

// EventData is the payload of a consultation event.
type EventData interface{ EventType() string }

type (
	ConsultationDrafted struct {
		ID            string      `json:"id"`
		Committee     string      `json:"committee"`
		CommitteeName string      `json:"committee_name"`
		Members       []Consulted `json:"members"`
		Chair         string      `json:"chair"`
		Majority      string      `json:"majority,omitempty"`
		Title         string      `json:"title"`
		Description   string      `json:"description,omitempty"`
		Questions     []Question  `json:"questions"`
		Deadline      time.Time   `json:"deadline"`
	}
	ConsultationEdited struct {
		Title       string     `json:"title"`
		Description string     `json:"description,omitempty"`
		Questions   []Question `json:"questions"`
		Deadline    time.Time  `json:"deadline"`
	}
	ConsultationDocumentAdded struct {
		Document Document `json:"document"`
	}
	ConsultationApproved struct{}
	AnswerGiven          struct {
		Person  string   `json:"person"`
		Answers []Answer `json:"answers"`
	}
	RemindersSent struct {
		To []string `json:"to"`
	}
	ConsultationClosed struct {
		// By is "deadline" or "chair".
		By     string  `json:"by"`
		Result Summary `json:"result"`
	}
)

func (ConsultationDrafted) EventType() string       { return "ConsultationDrafted" }
func (ConsultationEdited) EventType() string        { return "ConsultationEdited" }
func (ConsultationDocumentAdded) EventType() string { return "ConsultationDocumentAdded" }
func (ConsultationApproved) EventType() string      { return "ConsultationApproved" }
func (AnswerGiven) EventType() string               { return "AnswerGiven" }
func (RemindersSent) EventType() string             { return "RemindersSent" }
func (ConsultationClosed) EventType() string        { return "ConsultationClosed" }

// Event is one durable change to a consultation.
type Event struct {
	Seq   uint64    `json:"seq"`
	At    time.Time `json:"at"`
	Actor string    `json:"actor,omitempty"`
	Data  EventData `json:"-"`
}

// Type is the name of the event's kind.
func (e Event) Type() string {
	if e.Data == nil {
		return ""
	}
	return e.Data.EventType()
}

// ---------------------------------------------------------------------------
// Decide

// MaxQuestions bounds a consultation; MaxAnswerText a written answer.
const (
	MaxQuestions  = 50
	MaxAnswerText = 4000
)

// Decide checks cmd from actor against c at now and returns the events it
// produces (seqs c.Version+1, …). A refusal is a *meeting.Error and
// produces nothing. The order of the checks: the consultation exists, the
// actor's right, the status, the arguments.
func Decide(c *Consultation, actor Actor, cmd Command, now time.Time) ([]Event, error) {
	now = now.UTC()
	var data []EventData
	if d, ok := cmd.(Draft); ok {
		if c.Exists() {
			return nil, meeting.Errorf(meeting.Conflict, "Đợt lấy ý kiến %q đã có", "consultation %q exists already", d.ID)
		}
		ev, err := decideDraft(actor, d, now)
		if err != nil {
			return nil, err
		}
		data = []EventData{ev}
	} else {
		if !c.Exists() {
			return nil, meeting.Errorf(meeting.NotFound, "Không có đợt lấy ý kiến này", "no such consultation")
		}
		if c.Archived != nil {
			return nil, ErrConsultationArchived()
		}
		var err error
		if data, err = decide(c, actor, cmd, now); err != nil {
			return nil, err
		}
	}
	out := make([]Event, len(data))
	for i, d := range data {
		out[i] = Event{Seq: c.Version + uint64(i) + 1, At: now, Actor: actor.name(), Data: d}
	}
	return out, nil
}

func forbidden(vi, en string) error {
	return &meeting.Error{Code: meeting.Forbidden, Message: en, MessageVI: vi}
}

func decide(c *Consultation, actor Actor, cmd Command, now time.Time) ([]EventData, error) {
	isChair := actor.Person != "" && actor.Person == c.Chair
	switch cmd := cmd.(type) {
	case Edit, AddDocument:
		if !actor.Secretary {
			return nil, forbidden("Chỉ thư ký (tài khoản của văn phòng) mới soạn được phiếu lấy ý kiến", "only a secretary (an office account) prepares a consultation")
		}
		if c.Status != StatusDraft {
			return nil, meeting.Errorf(meeting.Conflict, "Phiếu đã được duyệt và gửi; không sửa được nữa", "the consultation was approved and sent; it can no longer be changed")
		}
		if e, ok := cmd.(Edit); ok {
			ev := ConsultationEdited{Title: e.Title, Description: e.Description, Questions: cloneQuestions(e.Questions), Deadline: e.Deadline}
			if err := checkContent(&ev.Title, &ev.Description, ev.Questions, ev.Deadline, now); err != nil {
				return nil, err
			}
			return []EventData{ev}, nil
		}
		d := cmd.(AddDocument).Document
		if d.ID == "" || d.SHA256 == "" || d.Pages < 1 {
			return nil, meeting.Errorf(meeting.Invalid, "Tài liệu chưa được tải lên đúng cách", "the document was not uploaded properly")
		}
		var err error
		if d.Title, err = CheckTitle(d.Title); err != nil {
			return nil, err
		}
		if slices.ContainsFunc(c.Documents, func(x Document) bool { return x.ID == d.ID }) {
			return nil, nil
		}
		if len(c.Documents) >= 20 {
			return nil, meeting.Errorf(meeting.Invalid, "Tối đa 20 tài liệu cho một đợt lấy ý kiến", "at most 20 documents per consultation")
		}
		return []EventData{ConsultationDocumentAdded{Document: d}}, nil
	case Approve:
		if !isChair {
			return nil, forbidden("Chỉ người chủ trì của ban mới duyệt được phiếu lấy ý kiến", "only the committee's chair approves a consultation")
		}
		if c.Status != StatusDraft {
			return nil, meeting.Errorf(meeting.Conflict, "Phiếu đã được duyệt", "the consultation is approved already")
		}
		if !c.Deadline.After(now) {
			return nil, meeting.Errorf(meeting.Conflict, "Hạn trả lời đã qua; thư ký cần đặt hạn mới trước khi duyệt", "the deadline has passed; the secretary must set a new one before approval")
		}
		return []EventData{ConsultationApproved{}}, nil
	case Give:
		if actor.Person == "" || !c.IsMember(actor.Person) {
			return nil, forbidden("Chỉ thành viên của ban mới trả lời phiếu lấy ý kiến", "only the committee's members answer a consultation")
		}
		switch {
		case c.Status == StatusDraft:
			return nil, meeting.Errorf(meeting.Conflict, "Phiếu chưa được gửi", "the consultation has not been sent yet")
		case c.Status == StatusClosed || !now.Before(c.Deadline):
			return nil, meeting.Errorf(meeting.Conflict, "Đã hết hạn trả lời", "the deadline has passed")
		}
		// The texts are cleaned here, not in checkAnswers: the audit checks
		// recorded answers with it, and an answer recorded before the
		// cleaning (with a zero-width space, not composed) must still
		// check as it was recorded.
		in := make([]Answer, len(cmd.Answers))
		for i, a := range cmd.Answers {
			var ok bool
			if a.Text, ok = Body(a.Text); !ok {
				return nil, errBody()
			}
			in[i] = a
		}
		answers, err := c.checkAnswers(in)
		if err != nil {
			return nil, err
		}
		return []EventData{AnswerGiven{Person: actor.Person, Answers: answers}}, nil
	case Remind:
		if !actor.System && !actor.Secretary {
			return nil, forbidden("Chỉ thư ký mới nhắc được", "only a secretary sends reminders")
		}
		if c.Status != StatusOpen {
			return nil, meeting.Errorf(meeting.Conflict, "Phiếu không ở trạng thái đang lấy ý kiến", "the consultation is not open")
		}
		var to []string
		for _, p := range cmd.To {
			if !c.IsMember(p) {
				return nil, meeting.Errorf(meeting.NotFound, "%q không phải thành viên được lấy ý kiến", "%q is not a consulted member", p)
			}
			if _, done := c.Answered[p]; done || slices.Contains(to, p) {
				continue
			}
			if cmd.Once && !c.Reminded[p].IsZero() {
				continue
			}
			to = append(to, p)
		}
		if len(to) == 0 {
			return nil, nil
		}
		return []EventData{RemindersSent{To: to}}, nil
	case Close:
		by := "chair"
		switch {
		case actor.System:
			by = "deadline"
		case !isChair:
			return nil, forbidden("Chỉ người chủ trì mới kết thúc được đợt lấy ý kiến", "only the chair closes a consultation")
		}
		if c.Status != StatusOpen {
			return nil, meeting.Errorf(meeting.Conflict, "Phiếu không ở trạng thái đang lấy ý kiến", "the consultation is not open")
		}
		if actor.System && now.Before(c.Deadline) {
			return nil, meeting.Errorf(meeting.Conflict, "Chưa đến hạn", "the deadline has not come")
		}
		return []EventData{ConsultationClosed{By: by, Result: Summarize(c)}}, nil
	case IssueConsultationRecord, SignConsultationRecord:
		return c.decideRecord(actor, cmd)
	}
	return nil, meeting.Errorf(meeting.Invalid, "Lệnh không hợp lệ", "unknown command %T", cmd)
}

func decideDraft(actor Actor, d Draft, now time.Time) (EventData, error) {
	if !actor.Secretary {
		return nil, forbidden("Chỉ thư ký (tài khoản của văn phòng) mới soạn được phiếu lấy ý kiến", "only a secretary (an office account) prepares a consultation")
	}
	if !ValidID(d.ID) {
		return nil, meeting.Errorf(meeting.Invalid, "Mã đợt lấy ý kiến %q không hợp lệ", "the consultation id %q is not valid", d.ID)
	}
	chair, ok := d.Committee.Chair()
	if !ok {
		return nil, meeting.Errorf(meeting.Conflict, "Ban %q chưa có người chủ trì để duyệt phiếu", "committee %q has no chair to approve the consultation", d.Committee.Name)
	}
	people := map[string]Person{}
	for _, p := range d.People {
		people[p.ID] = p
	}
	ev := ConsultationDrafted{ID: d.ID, Committee: d.Committee.ID, CommitteeName: d.Committee.Name, Chair: chair.Person,
		Majority: d.Committee.Majority, Title: d.Title, Description: d.Description, Questions: cloneQuestions(d.Questions), Deadline: d.Deadline}
	for _, m := range d.Committee.Members {
		p := people[m.Person]
		title := m.Title
		if title == "" {
			title = p.Title
		}
		name := p.Name
		if name == "" {
			name = m.Person
		}
		ev.Members = append(ev.Members, Consulted{Person: m.Person, Name: name, Title: title, Email: p.Email})
	}
	if err := checkContent(&ev.Title, &ev.Description, ev.Questions, ev.Deadline, now); err != nil {
		return nil, err
	}
	return ev, nil
}

// cloneQuestions copies a command's questions (and their choices), so that
// checkContent completes the event's copy, never the caller's: a caller
// reusing its slice for another command must not change an event already
// folded into a cached consultation.
func cloneQuestions(qs []Question) []Question {
	out := slices.Clone(qs)
	for i := range out {
		out[i].Choices = slices.Clone(out[i].Choices)
	}
	return out
}

// checkContent normalises and checks a consultation's text, questions and
// deadline (questions are completed in place: kind, default choices).
func checkContent(title, desc *string, qs []Question, deadline time.Time, now time.Time) error {
	var ok bool
	if *title, ok = text(*title, 300); !ok || *title == "" {
		return meeting.Errorf(meeting.Invalid, "Cần tiêu đề (một dòng, tối đa 300 ký tự)", "a title is needed (one line, at most 300 characters)")
	}
	if *desc, ok = Body(*desc); !ok {
		return errBody()
	}
	if len([]rune(*desc)) > 10000 {
		return meeting.Errorf(meeting.Invalid, "Phần mô tả quá dài (tối đa 10.000 ký tự)", "the description is too long (at most 10,000 characters)")
	}
	if len(qs) == 0 || len(qs) > MaxQuestions {
		return meeting.Errorf(meeting.Invalid, "Cần từ 1 đến %d câu hỏi", "1 to %d questions are needed", MaxQuestions)
	}
	seen := map[string]bool{}
	for i := range qs {
		q := &qs[i]
		if q.ID == "" {
			q.ID = fmt.Sprintf("q%d", i+1)
		}
		if !ValidID(q.ID) || seen[q.ID] {
			return meeting.Errorf(meeting.Invalid, "Mã câu hỏi %q không hợp lệ hoặc bị trùng", "the question id %q is not valid or used twice", q.ID)
		}
		seen[q.ID] = true
		if q.Text, ok = text(q.Text, 1000); !ok || q.Text == "" {
			return meeting.Errorf(meeting.Invalid, "Câu hỏi %d cần nội dung (một dòng, tối đa 1.000 ký tự)", "question %d needs a text (one line, at most 1,000 characters)", i+1)
		}
		switch q.Kind {
		case "", QuestionChoice:
			q.Kind = QuestionChoice
			if len(q.Choices) == 0 {
				q.Choices = slices.Clone(DefaultChoices)
			}
			if len(q.Choices) < 2 || len(q.Choices) > 10 {
				return meeting.Errorf(meeting.Invalid, "Câu hỏi %d cần từ 2 đến 10 phương án", "question %d needs 2 to 10 choices", i+1)
			}
			cs := map[string]bool{}
			for j, ch := range q.Choices {
				if q.Choices[j], ok = text(ch, 200); !ok || q.Choices[j] == "" || cs[q.Choices[j]] {
					return meeting.Errorf(meeting.Invalid, "Phương án %d của câu hỏi %d trống, quá dài hoặc bị trùng", "choice %d of question %d is empty, too long or repeated", j+1, i+1)
				}
				cs[q.Choices[j]] = true
			}
		case QuestionFree:
			q.Choices = nil
		default:
			return meeting.Errorf(meeting.Invalid, "Loại câu hỏi %q không có (choice, free)", "no question kind %q (choice, free)", q.Kind)
		}
	}
	if deadline.IsZero() {
		return meeting.Errorf(meeting.Invalid, "Cần hạn trả lời", "a deadline is needed")
	}
	if !deadline.After(now) {
		return meeting.Errorf(meeting.Invalid, "Hạn trả lời phải ở tương lai", "the deadline must be in the future")
	}
	return nil
}

// CheckAnswers is checkAnswers for the audit (meeting/audit): it returns
// the answers as Give would record them, or why they could not be.
func (c *Consultation) CheckAnswers(in []Answer) ([]Answer, error) { return c.checkAnswers(in) }

// checkAnswers checks a member's answers: every question answered once, a
// choice one of the question's, a text for OtherChoice and free questions.
func (c *Consultation) checkAnswers(in []Answer) ([]Answer, error) {
	byQ := map[string]Answer{}
	for _, a := range in {
		if _, dup := byQ[a.Question]; dup {
			return nil, meeting.Errorf(meeting.Invalid, "Câu hỏi %q được trả lời hai lần", "question %q is answered twice", a.Question)
		}
		byQ[a.Question] = a
	}
	out := make([]Answer, 0, len(c.Questions))
	for i, q := range c.Questions {
		a, ok := byQ[q.ID]
		if !ok {
			return nil, meeting.Errorf(meeting.Invalid, "Chưa trả lời câu hỏi %d", "question %d is not answered", i+1)
		}
		delete(byQ, q.ID)
		a.Text = strings.TrimSpace(strings.ReplaceAll(a.Text, "\r\n", "\n"))
		if len([]rune(a.Text)) > MaxAnswerText {
			return nil, meeting.Errorf(meeting.Invalid, "Ý kiến ở câu hỏi %d quá dài (tối đa %d ký tự)", "the answer to question %d is too long (at most %d characters)", i+1, MaxAnswerText)
		}
		switch q.Kind {
		case QuestionFree:
			a.Choice = ""
			if a.Text == "" {
				return nil, meeting.Errorf(meeting.Invalid, "Câu hỏi %d cần ý kiến bằng chữ", "question %d needs a written answer", i+1)
			}
		default:
			if !slices.Contains(q.Choices, a.Choice) {
				return nil, meeting.Errorf(meeting.Invalid, "Phương án %q không có ở câu hỏi %d", "no choice %q in question %d", a.Choice, i+1)
			}
			if a.Choice == OtherChoice && a.Text == "" {
				return nil, meeting.Errorf(meeting.Invalid, "Chọn \"Ý kiến khác\" ở câu hỏi %d thì cần ghi ý kiến", "choosing \"Ý kiến khác\" (other opinion) in question %d needs a text", i+1)
			}
		}
		out = append(out, a)
	}
	for q := range byQ {
		return nil, meeting.Errorf(meeting.NotFound, "Không có câu hỏi %q", "no question %q", q)
	}
	return out, nil
}

// ---------------------------------------------------------------------------
// Apply

// Apply folds one event into c. An event that does not follow (wrong seq,
// unknown type) is an error and changes nothing.
func (c *Consultation) Apply(e Event) error {
	if e.Seq != c.Version+1 {
		return fmt.Errorf("office: event %d after version %d", e.Seq, c.Version)
	}
	switch d := e.Data.(type) {
	case ConsultationDrafted:
		*c = Consultation{ID: d.ID, Committee: d.Committee, CommitteeName: d.CommitteeName, Members: d.Members, Chair: d.Chair,
			Majority: d.Majority, Title: d.Title, Description: d.Description, Questions: d.Questions, Deadline: d.Deadline,
			Status: StatusDraft, CreatedBy: e.Actor, Created: e.At, Documents: []Document{},
			Answers: map[string][]Answer{}, Answered: map[string]time.Time{}, Reminded: map[string]time.Time{}}
	case ConsultationEdited:
		c.Title, c.Description, c.Questions, c.Deadline = d.Title, d.Description, d.Questions, d.Deadline
	case ConsultationDocumentAdded:
		c.Documents = append(c.Documents, d.Document)
	case ConsultationApproved:
		c.Status, c.Approved = StatusOpen, e.At
	case AnswerGiven:
		c.Answers[d.Person] = d.Answers
		c.Answered[d.Person] = e.At
	case RemindersSent:
		for _, p := range d.To {
			c.Reminded[p] = e.At
		}
	case ConsultationClosed:
		r := d.Result
		c.Status, c.Closed, c.ClosedBy, c.Result = StatusClosed, e.At, d.By, &r
	case ConsultationRecordIssued, ConsultationRecordSigned:
		if err := c.applyRecord(e); err != nil {
			return err
		}
	case ConsultationArchived:
		m, err := archiveMark(d, e, c.Version, c.Archived != nil)
		if err != nil {
			return err
		}
		c.Archived = m
	default:
		return fmt.Errorf("office: unknown event %T", e.Data)
	}
	c.Version = e.Seq
	return nil
}

// ---------------------------------------------------------------------------
// Summary

// Summary is a closed consultation's result (báo cáo tổng hợp ý kiến).
type Summary struct {
	// Members is how many were asked; Answered how many answered.
	Members   int              `json:"members"`
	Answered  int              `json:"answered"`
	Questions []QuestionResult `json:"questions"`
	// NotAnswered lists the members who did not answer.
	NotAnswered []string `json:"not_answered"`
}

// QuestionResult is one question's count.
type QuestionResult struct {
	Question string `json:"question"`
	// Counts per choice, in the question's order.
	Counts []ChoiceCount `json:"counts,omitempty"`
	// Opinions are the written answers (Ý kiến khác, free answers, and
	// texts added to another choice), in the members' order.
	Opinions []Opinion `json:"opinions"`
	// Base is what the approving count is measured against; Needed the
	// approving answers needed to pass.
	Base   int `json:"base"`
	Needed int `json:"needed"`
	// Passed: the first choice got Needed answers or more. Nil for a free
	// question.
	Passed *bool `json:"passed,omitempty"`
}

// ChoiceCount is the answers that chose one choice.
type ChoiceCount struct {
	Choice string `json:"choice"`
	Count  int    `json:"count"`
}

// Opinion is one member's written answer.
type Opinion struct {
	Person string `json:"person"`
	Name   string `json:"name"`
	Choice string `json:"choice,omitempty"`
	Text   string `json:"text"`
}

// Needed returns how many approving answers pass under a majority rule,
// given all members and those who answered: more than half of all members
// (the default), more than half of those who answered, or at least two
// thirds of all members.
func Needed(rule string, members, answered int) (base, needed int) {
	switch rule {
	case MajorityAnswered:
		return answered, answered/2 + 1
	case MajorityTwoThirds:
		return members, (2*members + 2) / 3
	}
	return members, members/2 + 1
}

// Summarize counts c's answers: per question and choice against all
// members, the written opinions, and whether each choice question passed.
func Summarize(c *Consultation) Summary {
	s := Summary{Members: len(c.Members), Answered: len(c.Answered), NotAnswered: []string{}}
	for _, m := range c.Members {
		if _, ok := c.Answered[m.Person]; !ok {
			s.NotAnswered = append(s.NotAnswered, m.Person)
		}
	}
	for _, q := range c.Questions {
		r := QuestionResult{Question: q.ID, Opinions: []Opinion{}}
		counts := map[string]int{}
		answered := 0
		for _, m := range c.Members {
			for _, a := range c.Answers[m.Person] {
				if a.Question != q.ID {
					continue
				}
				answered++
				if q.Kind != QuestionFree {
					counts[a.Choice]++
				}
				if a.Text != "" {
					r.Opinions = append(r.Opinions, Opinion{Person: m.Person, Name: m.Name, Choice: a.Choice, Text: a.Text})
				}
			}
		}
		if q.Kind != QuestionFree {
			for _, ch := range q.Choices {
				r.Counts = append(r.Counts, ChoiceCount{Choice: ch, Count: counts[ch]})
			}
			r.Base, r.Needed = Needed(c.Majority, len(c.Members), answered)
			passed := r.Base > 0 && counts[q.Choices[0]] >= r.Needed
			r.Passed = &passed
		}
		s.Questions = append(s.Questions, r)
	}
	return s
}
