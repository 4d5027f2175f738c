package office

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
)

// Conclusions and resolutions (kết luận, nghị quyết) of an agenda item, and
// the follow-up of the tasks they assign (issue 13, part 4). Each one is an
// append-only log of its own (storage.ConclusionLogs), with the envelope,
// formats and audit chain of a consultation's; docs/between-meetings.md,
// "Conclusions and tasks".

// The kinds of a conclusion, and the symbol of each in its number
// ("15-KL/TU", "07-NQ/TU").
const (
	KindConclusion = "conclusion" // kết luận, KL
	KindResolution = "resolution" // nghị quyết, NQ
)

// KindSymbol is the kind's symbol in a number: KL or NQ.
func KindSymbol(kind string) string {
	if kind == KindResolution {
		return "NQ"
	}
	return "KL"
}

// KindName is the kind's name in Vietnamese (Kết luận, Nghị quyết).
func KindName(kind string) string {
	if kind == KindResolution {
		return "Nghị quyết"
	}
	return "Kết luận"
}

// The statuses of a conclusion (and StatusDraft): drafted by a secretary, approved (and
// numbered) by the chair, published to the participants.
const (
	StatusApproved  Status = "approved"
	StatusPublished Status = "published"
)

// Task statuses as the dashboard counts them; TaskImported is the state
// of a task of a conclusion imported from an archive that was not done
// when archived (the dashboard lists it apart and counts it nowhere).
const (
	TaskOpen     = "open"
	TaskLate     = "late"
	TaskDone     = "done"
	TaskImported = "imported"
)

// TaskState is the state of one of c's tasks at now: its own (open, late,
// done), except in a conclusion imported from an archive, which is read
// only here (no report, no reminder): done if it was done when archived,
// else imported — never late for ever. The dashboard and an assignee's own
// list both say it this way.
func (c *Conclusion) TaskState(t Task, now time.Time) string {
	if c.Archived == nil {
		return t.State(now)
	}
	if !t.Done.IsZero() {
		return TaskDone
	}
	return TaskImported
}

// Row is one of c's tasks as the follow-up lists it: its state at now
// (TaskState) and the conclusion it comes from.
func (c *Conclusion) Row(t Task, now time.Time) TaskRow {
	return TaskRow{Task: t, State: c.TaskState(t, now), Conclusion: c.ID, Heading: c.Heading(), Meeting: c.Meeting}
}

// Assignee kinds: a person of the registry, or a unit (an organisation,
// named; any person of that unit, or the office, reports for it).
const (
	AssignPerson = "person"
	AssignUnit   = "unit"
)

// Assignee is who carries a task out.
type Assignee struct {
	Kind string `json:"kind"`
	// Person is the person's id (Kind person).
	Person string `json:"person,omitempty"`
	// Name is the person's name, or the unit's.
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// TaskDraft is a task as a secretary writes it.
type TaskDraft struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Assignee Assignee  `json:"assignee"`
	Deadline time.Time `json:"deadline"`
}

// Report is an assignee's report on a task: progress, or completion, with
// an optional attachment (a validated PDF).
type Report struct {
	At         time.Time `json:"at"`
	By         string    `json:"by"`
	Percent    int       `json:"percent"`
	Note       string    `json:"note,omitempty"`
	Done       bool      `json:"done,omitempty"`
	Attachment *Document `json:"attachment,omitempty"`
}

// Task is a task of a conclusion and its follow-up.
type Task struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Assignee Assignee  `json:"assignee"`
	Deadline time.Time `json:"deadline"`
	Percent  int       `json:"percent"`
	Done     time.Time `json:"done,omitzero"`
	Reports  []Report  `json:"reports"`
	// Reminded is when the assignee was last reminded of it overdue.
	Reminded time.Time `json:"reminded,omitzero"`
}

// State is the task's status at now: done, late (past its deadline, not
// done) or open.
func (t Task) State(now time.Time) string {
	switch {
	case !t.Done.IsZero():
		return TaskDone
	case !now.Before(t.Deadline):
		return TaskLate
	}
	return TaskOpen
}

// Conclusion is the state of one conclusion or resolution: the fold of its
// log.
type Conclusion struct {
	ID            string `json:"id"`
	Kind          string `json:"kind"`
	Committee     string `json:"committee"`
	CommitteeName string `json:"committee_name"`
	// Chair approves (the committee's chair when drafted).
	Chair        string `json:"chair"`
	Meeting      string `json:"meeting"`
	MeetingTitle string `json:"meeting_title"`
	AgendaItem   string `json:"agenda_item"`
	AgendaTitle  string `json:"agenda_title"`
	Title        string `json:"title"`
	Text         string `json:"text"`
	Tasks        []Task `json:"tasks"`
	Status       Status `json:"status"`
	// Series ("KL/TU"), Year and Number once approved; Numbered is the
	// number as written: "15-KL/TU".
	Series    string    `json:"series,omitempty"`
	Year      int       `json:"year,omitempty"`
	Number    int       `json:"number,omitempty"`
	Numbered  string    `json:"numbered,omitempty"`
	CreatedBy string    `json:"created_by,omitempty"`
	Created   time.Time `json:"created"`
	Approved  time.Time `json:"approved,omitzero"`
	Published time.Time `json:"published,omitzero"`
	// Records are the conclusion's PDFs issued for signing, by record key
	// (RecordKey: "conclusion/vi", "conclusion/en"): the current version
	// and who signed it, as a meeting's signed records (meeting/records).
	Records map[string]*meeting.SignedRecord `json:"records,omitempty"`
	// Archived is set on a conclusion imported from an archive: read only
	// (archived.go).
	Archived *meeting.ArchiveMark `json:"archived,omitempty"`
	Version  uint64               `json:"version"`
}

// RecordKey is the key of a conclusion's PDF in a language as a signed
// record: "conclusion/vi", "conclusion/en".
func RecordKey(lang string) string { return "conclusion/" + lang }

// ParseRecordKey returns the language of a conclusion's record key, or
// why it is not one.
func ParseRecordKey(key string) (lang string, err error) {
	switch key {
	case "conclusion/vi", "conclusion/en":
		return strings.TrimPrefix(key, "conclusion/"), nil
	}
	return "", meeting.Errorf(meeting.Invalid, "Văn bản ký %q không hợp lệ (conclusion/vi, conclusion/en)", "invalid record %q (conclusion/vi, conclusion/en)", key)
}

// MaySignRecord reports whether actor issues and signs c's PDF: the
// committee's chair, who approved it, and the office's secretaries.
func (c *Conclusion) MaySignRecord(actor Actor) bool {
	return actor.Secretary || (actor.Person != "" && actor.Person == c.Chair)
}

// Exists reports whether the conclusion has been drafted.
func (c *Conclusion) Exists() bool { return c != nil && c.Version > 0 }

// Task returns a task by id.
func (c *Conclusion) Task(id string) (*Task, bool) {
	for i := range c.Tasks {
		if c.Tasks[i].ID == id {
			return &c.Tasks[i], true
		}
	}
	return nil, false
}

// Heading is "Kết luận số 15-KL/TU" once numbered, else the kind's name.
func (c *Conclusion) Heading() string {
	if c.Numbered == "" {
		return KindName(c.Kind)
	}
	return KindName(c.Kind) + " số " + c.Numbered
}

// SeriesOf is the number series of a kind in an office whose symbol is
// office ("TU"): "KL/TU", "NQ/TU".
func SeriesOf(kind, office string) string { return KindSymbol(kind) + "/" + office }

// SeriesEntry is a number series' registry entry (kind "series", id
// SeriesEntryID): the last number given and which conclusion got each, so
// that asking again for the same conclusion gives the same number (no gap
// when an approval is retried). meeting/conclusions updates it; the audit
// and an archive's import read it.
type SeriesEntry struct {
	Series string         `json:"series"`
	Year   int            `json:"year"`
	Last   int            `json:"last"`
	Given  map[string]int `json:"given"`
}

// SeriesEntryID is the registry entry (kind "series") that counts the
// numbers of a series in a year: "KL/TU", 2026 → "KL-TU-2026".
func SeriesEntryID(series string, year int) string {
	return strings.ReplaceAll(series, "/", "-") + "-" + fmt.Sprint(year)
}

// FormatNumber writes a number of a series: 15, "KL/TU" → "15-KL/TU"
// (two digits at least, as offices write them).
func FormatNumber(n int, series string) string { return fmt.Sprintf("%02d-%s", n, series) }

// ---------------------------------------------------------------------------
// Commands

type (
	// DraftConclusion starts a conclusion of an agenda item. The committee
	// (its chair, name) and the meeting's and item's titles are filled in
	// by the service from the registry and the meeting, not by the client.
	DraftConclusion struct {
		ID           string      `json:"id"`
		Kind         string      `json:"kind"`
		Meeting      string      `json:"meeting"`
		AgendaItem   string      `json:"agenda_item"`
		Title        string      `json:"title"`
		Text         string      `json:"text"`
		Tasks        []TaskDraft `json:"tasks"`
		Committee    Committee   `json:"-"`
		MeetingTitle string      `json:"-"`
		AgendaTitle  string      `json:"-"`
		// People resolves person assignees (the service fills it).
		People map[string]Person `json:"-"`
	}
	// EditConclusion replaces a draft's title, text and tasks.
	EditConclusion struct {
		Title string      `json:"title"`
		Text  string      `json:"text"`
		Tasks []TaskDraft `json:"tasks"`
		// People resolves person assignees (the service fills it).
		People map[string]Person `json:"-"`
	}
	// ApproveConclusion: the chair approves; the service reserves the
	// number in the office's series first and puts it here.
	ApproveConclusion struct {
		Series string `json:"-"`
		Year   int    `json:"-"`
		Number int    `json:"-"`
	}
	// PublishConclusion sends an approved conclusion to the participants.
	PublishConclusion struct{}
	// ReportTask: an assignee reports progress (Percent) or completion
	// (Done), with an optional attachment stored before.
	ReportTask struct {
		Task       string    `json:"task"`
		Percent    int       `json:"percent"`
		Note       string    `json:"note,omitempty"`
		Done       bool      `json:"done,omitempty"`
		Attachment *Document `json:"-"`
		// Unit is the reporting person's unit (from the registry, for a
		// task assigned to a unit).
		Unit string `json:"-"`
	}
	// RemindTasks records that the assignees of the overdue tasks named
	// were reminded.
	RemindTasks struct {
		Tasks []string `json:"tasks"`
	}
	// IssueConclusionRecord freezes the PDF of an approved conclusion
	// (its SHA-256 and size; Record a RecordKey) as the version to sign;
	// issuing again starts over, the earlier signatures stay in the log
	// (meeting.IssueRecord's rules).
	IssueConclusionRecord meeting.IssueRecord
	// SignConclusionRecord replaces the current version (Prev) by the same
	// PDF with one more signature (meeting.SignRecord's rules).
	SignConclusionRecord meeting.SignRecord
)

func (DraftConclusion) CommandName() string   { return "DraftConclusion" }
func (EditConclusion) CommandName() string    { return "EditConclusion" }
func (ApproveConclusion) CommandName() string { return "ApproveConclusion" }
func (PublishConclusion) CommandName() string { return "PublishConclusion" }
func (ReportTask) CommandName() string        { return "ReportTask" }
func (RemindTasks) CommandName() string       { return "RemindTasks" }
func (IssueConclusionRecord) CommandName() string {
	return "IssueConclusionRecord"
}
func (SignConclusionRecord) CommandName() string { return "SignConclusionRecord" }

// ---------------------------------------------------------------------------
// Events

type (
	ConclusionDrafted struct {
		ID            string `json:"id"`
		Kind          string `json:"kind"`
		Committee     string `json:"committee"`
		CommitteeName string `json:"committee_name"`
		Chair         string `json:"chair"`
		Meeting       string `json:"meeting"`
		MeetingTitle  string `json:"meeting_title"`
		AgendaItem    string `json:"agenda_item"`
		AgendaTitle   string `json:"agenda_title"`
		Title         string `json:"title"`
		Text          string `json:"text"`
		Tasks         []Task `json:"tasks"`
	}
	ConclusionEdited struct {
		Title string `json:"title"`
		Text  string `json:"text"`
		Tasks []Task `json:"tasks"`
	}
	ConclusionApproved struct {
		Series   string `json:"series"`
		Year     int    `json:"year"`
		Number   int    `json:"number"`
		Numbered string `json:"numbered"`
	}
	ConclusionPublished struct{}
	TaskReported        struct {
		Task       string    `json:"task"`
		Percent    int       `json:"percent"`
		Note       string    `json:"note,omitempty"`
		Done       bool      `json:"done,omitempty"`
		Attachment *Document `json:"attachment,omitempty"`
	}
	TasksReminded struct {
		Tasks []string `json:"tasks"`
	}
	// ConclusionRecordIssued follows IssueConclusionRecord.
	ConclusionRecordIssued meeting.IssueRecord
	// ConclusionRecordSigned follows SignConclusionRecord.
	ConclusionRecordSigned meeting.SignRecord
)

func (ConclusionDrafted) EventType() string   { return "ConclusionDrafted" }
func (ConclusionEdited) EventType() string    { return "ConclusionEdited" }
func (ConclusionApproved) EventType() string  { return "ConclusionApproved" }
func (ConclusionPublished) EventType() string { return "ConclusionPublished" }
func (TaskReported) EventType() string        { return "TaskReported" }
func (TasksReminded) EventType() string       { return "TasksReminded" }
func (ConclusionRecordIssued) EventType() string {
	return "ConclusionRecordIssued"
}
func (ConclusionRecordSigned) EventType() string { return "ConclusionRecordSigned" }

// MaxTasks bounds a conclusion's tasks; MaxConclusionText its text;
// MaxTaskReports the reports on one task and MaxTaskAttachments the files
// among them (each up to the upload limit: unbounded, an assignee could
// fill the node's disk).
const (
	MaxTasks           = 100
	MaxConclusionText  = 50000
	MaxTaskReports     = 200
	MaxTaskAttachments = 20
)

// DecideConclusion checks cmd from actor against c at now and returns the
// events it produces (seqs c.Version+1, …). A refusal is a *meeting.Error
// and produces nothing.
func DecideConclusion(c *Conclusion, actor Actor, cmd Command, now time.Time) ([]Event, error) {
	now = now.UTC()
	data, err := decideConclusion(c, actor, cmd, now)
	if err != nil || len(data) == 0 {
		return nil, err
	}
	out := make([]Event, len(data))
	for i, d := range data {
		out[i] = Event{Seq: c.Version + uint64(i) + 1, At: now, Actor: actor.name(), Data: d}
	}
	return out, nil
}

var errOnlySecretary = forbidden("Chỉ thư ký (tài khoản của văn phòng) mới soạn được kết luận", "only a secretary (an office account) drafts a conclusion")

func decideConclusion(c *Conclusion, actor Actor, cmd Command, now time.Time) ([]EventData, error) {
	if d, ok := cmd.(DraftConclusion); ok {
		if c.Exists() {
			return nil, meeting.Errorf(meeting.Conflict, "Kết luận %q đã có", "conclusion %q exists already", d.ID)
		}
		if !actor.Secretary {
			return nil, errOnlySecretary
		}
		if !ValidID(d.ID) {
			return nil, meeting.Errorf(meeting.Invalid, "Mã kết luận %q không hợp lệ", "the conclusion id %q is not valid", d.ID)
		}
		switch d.Kind {
		case "":
			d.Kind = KindConclusion
		case KindConclusion, KindResolution:
		default:
			return nil, meeting.Errorf(meeting.Invalid, "Loại %q không có (conclusion, resolution)", "no kind %q (conclusion, resolution)", d.Kind)
		}
		chair, ok := d.Committee.Chair()
		if !ok {
			return nil, meeting.Errorf(meeting.Conflict, "Ban %q chưa có người chủ trì để duyệt kết luận", "committee %q has no chair to approve the conclusion", d.Committee.Name)
		}
		if d.Meeting == "" || d.AgendaItem == "" {
			return nil, meeting.Errorf(meeting.Invalid, "Cần cuộc họp và nội dung (mục chương trình) của kết luận", "a conclusion needs its meeting and agenda item")
		}
		ev := ConclusionDrafted{ID: d.ID, Kind: d.Kind, Committee: d.Committee.ID, CommitteeName: d.Committee.Name, Chair: chair.Person,
			Meeting: d.Meeting, MeetingTitle: d.MeetingTitle, AgendaItem: d.AgendaItem, AgendaTitle: d.AgendaTitle}
		var err error
		if ev.Title, ev.Text, ev.Tasks, err = checkConclusion(d.Title, d.Text, d.Tasks, d.People, nil); err != nil {
			return nil, err
		}
		return []EventData{ev}, nil
	}
	if !c.Exists() {
		return nil, meeting.Errorf(meeting.NotFound, "Không có kết luận này", "no such conclusion")
	}
	if c.Archived != nil {
		return nil, ErrConclusionArchived()
	}
	isChair := actor.Person != "" && actor.Person == c.Chair
	switch cmd := cmd.(type) {
	case EditConclusion:
		if !actor.Secretary {
			return nil, errOnlySecretary
		}
		if c.Status != StatusDraft {
			return nil, meeting.Errorf(meeting.Conflict, "Kết luận đã được duyệt; không sửa được nữa", "the conclusion is approved; it can no longer be changed")
		}
		title, text, tasks, err := checkConclusion(cmd.Title, cmd.Text, cmd.Tasks, cmd.People, c.Tasks)
		if err != nil {
			return nil, err
		}
		return []EventData{ConclusionEdited{Title: title, Text: text, Tasks: tasks}}, nil
	case ApproveConclusion:
		if !isChair {
			return nil, forbidden("Chỉ người chủ trì của ban mới duyệt được kết luận", "only the committee's chair approves a conclusion")
		}
		if c.Status != StatusDraft {
			return nil, meeting.Errorf(meeting.Conflict, "Kết luận đã được duyệt", "the conclusion is approved already")
		}
		if cmd.Number < 1 || cmd.Series == "" || cmd.Year < 2000 {
			return nil, meeting.Errorf(meeting.Internal, "Chưa cấp được số cho kết luận", "the conclusion was given no number")
		}
		return []EventData{ConclusionApproved{Series: cmd.Series, Year: cmd.Year, Number: cmd.Number, Numbered: FormatNumber(cmd.Number, cmd.Series)}}, nil
	case PublishConclusion:
		if !isChair && !actor.Secretary {
			return nil, forbidden("Chỉ thư ký hoặc người chủ trì mới ban hành được kết luận", "only a secretary or the chair publishes a conclusion")
		}
		switch c.Status {
		case StatusDraft:
			return nil, meeting.Errorf(meeting.Conflict, "Kết luận chưa được duyệt", "the conclusion is not approved yet")
		case StatusPublished:
			return nil, nil
		}
		return []EventData{ConclusionPublished{}}, nil
	case ReportTask:
		t, ok := c.Task(cmd.Task)
		if !ok {
			return nil, meeting.Errorf(meeting.NotFound, "Không có nhiệm vụ %q", "no task %q", cmd.Task)
		}
		if !actor.Secretary && !t.Assignee.may(actor, cmd.Unit) {
			return nil, forbidden("Chỉ người (đơn vị) được giao mới báo cáo được nhiệm vụ này", "only the task's assignee reports on it")
		}
		if c.Status != StatusPublished {
			return nil, meeting.Errorf(meeting.Conflict, "Kết luận chưa được ban hành", "the conclusion is not published yet")
		}
		if !t.Done.IsZero() {
			return nil, meeting.Errorf(meeting.Conflict, "Nhiệm vụ đã hoàn thành", "the task is done already")
		}
		if len(t.Reports) >= MaxTaskReports {
			return nil, meeting.Errorf(meeting.Conflict, "Nhiệm vụ đã có %d báo cáo, mức tối đa", "the task has %d reports, the most it may have", MaxTaskReports)
		}
		if cmd.Attachment != nil {
			n := 0
			for _, r := range t.Reports {
				if r.Attachment != nil {
					n++
				}
			}
			if n >= MaxTaskAttachments {
				return nil, meeting.Errorf(meeting.Conflict, "Nhiệm vụ đã có %d tệp đính kèm, mức tối đa: gửi báo cáo không kèm tệp", "the task has %d attachments, the most it may have: report without a file", MaxTaskAttachments)
			}
		}
		if cmd.Done {
			cmd.Percent = 100
		}
		if cmd.Percent < 0 || cmd.Percent > 100 {
			return nil, meeting.Errorf(meeting.Invalid, "Tiến độ phải từ 0 đến 100%%", "progress must be 0 to 100%%")
		}
		note, ok := Body(cmd.Note)
		if !ok {
			return nil, errBody()
		}
		if len([]rune(note)) > MaxAnswerText {
			return nil, meeting.Errorf(meeting.Invalid, "Báo cáo quá dài (tối đa %d ký tự)", "the report is too long (at most %d characters)", MaxAnswerText)
		}
		if note == "" && cmd.Attachment == nil {
			return nil, meeting.Errorf(meeting.Invalid, "Cần nội dung báo cáo hoặc tệp đính kèm", "a report needs a note or an attachment")
		}
		if a := cmd.Attachment; a != nil && (a.SHA256 == "" || a.Pages < 1) {
			return nil, meeting.Errorf(meeting.Invalid, "Tệp đính kèm chưa được tải lên đúng cách", "the attachment was not uploaded properly")
		}
		if a := cmd.Attachment; a != nil {
			title, err := CheckTitle(a.Title)
			if err != nil {
				return nil, err
			}
			att := *a
			att.Title = title
			cmd.Attachment = &att
		}
		return []EventData{TaskReported{Task: t.ID, Percent: cmd.Percent, Note: note, Done: cmd.Done, Attachment: cmd.Attachment}}, nil
	case RemindTasks:
		if !actor.System && !actor.Secretary {
			return nil, forbidden("Chỉ thư ký mới nhắc được", "only a secretary sends reminders")
		}
		if c.Status != StatusPublished {
			return nil, meeting.Errorf(meeting.Conflict, "Kết luận chưa được ban hành", "the conclusion is not published yet")
		}
		var ids []string
		for _, id := range cmd.Tasks {
			t, ok := c.Task(id)
			if !ok {
				return nil, meeting.Errorf(meeting.NotFound, "Không có nhiệm vụ %q", "no task %q", id)
			}
			// The server reminds once per task (several nodes may check at
			// once: the version-checked append lets one remind, the other
			// decides again and finds it reminded); a secretary may
			// remind again.
			if actor.System && !t.Reminded.Before(t.Deadline) {
				continue
			}
			if t.State(now) == TaskLate && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return nil, nil
		}
		return []EventData{TasksReminded{Tasks: ids}}, nil
	case IssueConclusionRecord:
		if err := c.checkRecordCommand(actor, cmd.Record, cmd.SHA256, cmd.Size); err != nil {
			return nil, err
		}
		if issuedAlready(c.Records, meeting.IssueRecord(cmd)) {
			return nil, nil
		}
		return []EventData{ConclusionRecordIssued(cmd)}, nil
	case SignConclusionRecord:
		if err := c.checkRecordCommand(actor, cmd.Record, cmd.SHA256, cmd.Size); err != nil {
			return nil, err
		}
		s := meeting.SignRecord(cmd)
		if err := checkSignRecord(c.Records, &s); err != nil {
			return nil, err
		}
		return []EventData{ConclusionRecordSigned(s)}, nil
	case DraftConclusion:
	}
	return nil, meeting.Errorf(meeting.Invalid, "Lệnh không hợp lệ", "unknown command %T", cmd)
}

// checkRecordCommand checks who issues or signs c's record key, that c is
// numbered, and the file's digest.
func (c *Conclusion) checkRecordCommand(actor Actor, key, sha string, size int64) error {
	if _, err := ParseRecordKey(key); err != nil {
		return err
	}
	if !c.MaySignRecord(actor) {
		return forbidden("Chỉ người chủ trì của ban và thư ký mới ký được văn bản kết luận", "only the committee's chair and the secretaries sign a conclusion")
	}
	if c.Status != StatusApproved && c.Status != StatusPublished {
		return meeting.Errorf(meeting.Conflict, "Kết luận chưa được duyệt và cấp số; chưa ký được", "the conclusion is not approved and numbered yet: it cannot be signed")
	}
	return checkRecordFile(sha, size)
}

// may reports whether actor reports for this assignee: the person, or a
// person of the unit.
func (a Assignee) may(actor Actor, unit string) bool {
	switch a.Kind {
	case AssignPerson:
		return actor.Person != "" && actor.Person == a.Person
	case AssignUnit:
		return actor.Person != "" && unit != "" && strings.EqualFold(strings.TrimSpace(unit), a.Name)
	}
	return false
}

// checkConclusion normalises and checks a conclusion's text and tasks;
// people resolves person assignees; old keeps reports of tasks kept.
func checkConclusion(title, body string, drafts []TaskDraft, people map[string]Person, old []Task) (string, string, []Task, error) {
	var ok bool
	if title, ok = text(title, 300); !ok || title == "" {
		return "", "", nil, meeting.Errorf(meeting.Invalid, "Cần trích yếu (một dòng, tối đa 300 ký tự)", "a title is needed (one line, at most 300 characters)")
	}
	if body, ok = Body(body); !ok {
		return "", "", nil, errBody()
	}
	if body == "" || len([]rune(body)) > MaxConclusionText {
		return "", "", nil, meeting.Errorf(meeting.Invalid, "Cần nội dung kết luận (tối đa 50.000 ký tự)", "the conclusion needs a text (at most 50,000 characters)")
	}
	if len(drafts) > MaxTasks {
		return "", "", nil, meeting.Errorf(meeting.Invalid, "Tối đa %d nhiệm vụ", "at most %d tasks", MaxTasks)
	}
	tasks := make([]Task, 0, len(drafts))
	seen := map[string]bool{}
	for i, d := range drafts {
		if d.ID == "" {
			d.ID = fmt.Sprintf("t%d", i+1)
		}
		if !ValidID(d.ID) || seen[d.ID] {
			return "", "", nil, meeting.Errorf(meeting.Invalid, "Mã nhiệm vụ %q không hợp lệ hoặc bị trùng", "the task id %q is not valid or used twice", d.ID)
		}
		seen[d.ID] = true
		if d.Title, ok = text(d.Title, 1000); !ok || d.Title == "" {
			return "", "", nil, meeting.Errorf(meeting.Invalid, "Nhiệm vụ %d cần nội dung (một dòng, tối đa 1.000 ký tự)", "task %d needs a text (one line, at most 1,000 characters)", i+1)
		}
		a := d.Assignee
		switch a.Kind {
		case AssignPerson:
			p, found := people[a.Person]
			if !found {
				return "", "", nil, meeting.Errorf(meeting.NotFound, "Không có người %q trong danh sách của văn phòng", "no person %q in the office's list", a.Person)
			}
			a = Assignee{Kind: AssignPerson, Person: p.ID, Name: p.Name, Email: p.Email}
		case AssignUnit:
			if a.Name, ok = text(a.Name, 200); !ok || a.Name == "" {
				return "", "", nil, meeting.Errorf(meeting.Invalid, "Nhiệm vụ %d cần tên đơn vị được giao", "task %d needs the unit's name", i+1)
			}
			a = Assignee{Kind: AssignUnit, Name: a.Name}
		default:
			return "", "", nil, meeting.Errorf(meeting.Invalid, "Nhiệm vụ %d cần người hoặc đơn vị được giao (person, unit)", "task %d needs an assignee (person or unit)", i+1)
		}
		if d.Deadline.IsZero() {
			return "", "", nil, meeting.Errorf(meeting.Invalid, "Nhiệm vụ %d cần thời hạn", "task %d needs a deadline", i+1)
		}
		t := Task{ID: d.ID, Title: d.Title, Assignee: a, Deadline: d.Deadline.UTC(), Reports: []Report{}}
		if j := slices.IndexFunc(old, func(o Task) bool { return o.ID == d.ID }); j >= 0 {
			t.Reports, t.Percent, t.Done, t.Reminded = old[j].Reports, old[j].Percent, old[j].Done, old[j].Reminded
		}
		tasks = append(tasks, t)
	}
	return title, body, tasks, nil
}

// Apply folds one event into c. An event that does not follow (wrong seq,
// unknown type) is an error and changes nothing.
func (c *Conclusion) Apply(e Event) error {
	if e.Seq != c.Version+1 {
		return fmt.Errorf("office: event %d after version %d", e.Seq, c.Version)
	}
	switch d := e.Data.(type) {
	case ConclusionDrafted:
		*c = Conclusion{ID: d.ID, Kind: d.Kind, Committee: d.Committee, CommitteeName: d.CommitteeName, Chair: d.Chair,
			Meeting: d.Meeting, MeetingTitle: d.MeetingTitle, AgendaItem: d.AgendaItem, AgendaTitle: d.AgendaTitle,
			Title: d.Title, Text: d.Text, Tasks: d.Tasks, Status: StatusDraft, CreatedBy: e.Actor, Created: e.At}
	case ConclusionEdited:
		c.Title, c.Text, c.Tasks = d.Title, d.Text, d.Tasks
	case ConclusionApproved:
		c.Status, c.Approved = StatusApproved, e.At
		c.Series, c.Year, c.Number, c.Numbered = d.Series, d.Year, d.Number, d.Numbered
	case ConclusionPublished:
		c.Status, c.Published = StatusPublished, e.At
	case TaskReported:
		t, ok := c.Task(d.Task)
		if !ok {
			return fmt.Errorf("office: report on unknown task %q", d.Task)
		}
		t.Reports = append(t.Reports, Report{At: e.At, By: e.Actor, Percent: d.Percent, Note: d.Note, Done: d.Done, Attachment: d.Attachment})
		t.Percent = d.Percent
		if d.Done {
			t.Done = e.At
		}
	case TasksReminded:
		for _, id := range d.Tasks {
			if t, ok := c.Task(id); ok {
				t.Reminded = e.At
			}
		}
	case ConclusionRecordIssued:
		applyRecordIssued(&c.Records, meeting.IssueRecord(d), e)
	case ConclusionRecordSigned:
		if err := applyRecordSigned(c.Records, meeting.SignRecord(d), e); err != nil {
			return err
		}
	case ConclusionArchived:
		m, err := archiveMark(ConsultationArchived(d), e, c.Version, c.Archived != nil)
		if err != nil {
			return err
		}
		c.Archived = m
	default:
		return fmt.Errorf("office: unknown event %T", e.Data)
	}
	if c.Tasks == nil {
		c.Tasks = []Task{}
	}
	c.Version = e.Seq
	return nil
}

// ---------------------------------------------------------------------------
// The dashboard

// TaskRow is one task on the dashboard, with its conclusion.
type TaskRow struct {
	Task
	State      string `json:"state"`
	Conclusion string `json:"conclusion"`
	Heading    string `json:"heading"`
	Meeting    string `json:"meeting"`
}

// CommitteeTasks is one committee's line of the dashboard. Open, Late,
// Done and Tasks are the follow-up of this office; Imported are the tasks
// of conclusions imported from an archive (dais archive import), history
// counted in none of them.
type CommitteeTasks struct {
	Committee string    `json:"committee"`
	Name      string    `json:"name"`
	Open      int       `json:"open"`
	Late      int       `json:"late"`
	Done      int       `json:"done"`
	Tasks     []TaskRow `json:"tasks"`
	Imported  []TaskRow `json:"imported"`
}

// Dashboard counts the tasks of published conclusions per committee at
// now (Theo dõi nhiệm vụ): open, late, done, each task with its state;
// committees in name order, tasks late first, then by deadline.
//
// A conclusion imported from an archive (Archived set) is read only in
// this store: no report, reminder or completion can reach its tasks here,
// so counting them would leave them open or late for ever. Its tasks are
// listed apart (Imported: state done if done when archived, else
// imported), in deadline order, and counted in no total.
func Dashboard(all []*Conclusion, now time.Time) []CommitteeTasks {
	by := map[string]*CommitteeTasks{}
	for _, c := range all {
		if c.Status != StatusPublished {
			continue
		}
		ct := by[c.Committee]
		if ct == nil {
			ct = &CommitteeTasks{Committee: c.Committee, Name: c.CommitteeName, Tasks: []TaskRow{}, Imported: []TaskRow{}}
			by[c.Committee] = ct
		}
		for _, t := range c.Tasks {
			row := c.Row(t, now)
			switch {
			case c.Archived != nil:
				ct.Imported = append(ct.Imported, row)
				continue
			case row.State == TaskDone:
				ct.Done++
			case row.State == TaskLate:
				ct.Late++
			default:
				ct.Open++
			}
			ct.Tasks = append(ct.Tasks, row)
		}
	}
	rank := map[string]int{TaskLate: 0, TaskOpen: 1, TaskDone: 2}
	out := make([]CommitteeTasks, 0, len(by))
	for _, ct := range by {
		slices.SortStableFunc(ct.Tasks, func(a, b TaskRow) int {
			if d := rank[a.State] - rank[b.State]; d != 0 {
				return d
			}
			return byDeadline(a, b)
		})
		slices.SortStableFunc(ct.Imported, byDeadline)
		out = append(out, *ct)
	}
	slices.SortFunc(out, func(a, b CommitteeTasks) int {
		if d := strings.Compare(a.Name, b.Name); d != 0 {
			return d
		}
		return strings.Compare(a.Committee, b.Committee)
	})
	return out
}

func byDeadline(a, b TaskRow) int {
	if d := a.Deadline.Compare(b.Deadline); d != 0 {
		return d
	}
	return strings.Compare(a.Conclusion+"/"+a.ID, b.Conclusion+"/"+b.ID)
}
