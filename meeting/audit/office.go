package audit

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/dais-meeting/dais/meeting"
	"github.com/dais-meeting/dais/meeting/office"
	"github.com/dais-meeting/dais/storage"
)

// The logs of the office (issue 13): a written consultation's and a
// conclusion's. Each is chained as a meeting's log is (storage.ChainHash,
// computed inside the append); VerifyConsultation and VerifyConclusion
// recompute the chain, fold every event through meeting/office and check
// what the fold alone does not: a consultation's answers (from members,
// while open, before the deadline, every question answered once) and its
// stored summary against the one counted again from the answers; a
// conclusion's approval (by its chair, its number as written) and its
// tasks' reports and reminders against their states. CheckNumbers checks
// that no number of a series was given twice.

// Kinds of office log.
const (
	KindConsultation = "consultation"
	KindConclusion   = "conclusion"
)

// ConsultationSource reads consultations' logs (storage.ConsultationLogs).
type ConsultationSource interface {
	ReadConsultation(ctx context.Context, id string, from uint64, max int) ([]storage.Record, error)
}

// ConclusionSource reads conclusions' logs (storage.ConclusionLogs).
type ConclusionSource interface {
	ReadConclusion(ctx context.Context, id string, from uint64, max int) ([]storage.Record, error)
}

// LogReport is what VerifyConsultation or VerifyConclusion found.
type LogReport struct {
	Kind string
	ID   string
	// Records, Unchained, LastSeq and LastHash as in Report.
	Records   uint64
	Unchained uint64
	LastSeq   uint64
	LastHash  string
	// Status is the status the log folds to.
	Status string
	// A consultation: the members asked, those who answered, and whether
	// its stored summary was counted again (closed).
	Members        int
	Answered       int
	SummaryChecked bool
	// A conclusion: its number once approved ("15-KL/TU"), series, year,
	// and its tasks and their reports.
	Numbered string
	Series   string
	Year     int
	Number   int
	Tasks    int
	Reports  int
	// Imported is the mark of a log imported from an archive (read only
	// in this store): the archive and the archived events it follows.
	Imported *meeting.ArchiveMark
	// Problem is the first event that does not fit; nil when the log
	// verifies.
	Problem *Problem
}

// OK reports whether the log verified.
func (r LogReport) OK() bool { return r.Problem == nil }

// walk reads a log page by page, checks its chain as Verify does a
// meeting's, and gives each record to each; it stops at the first
// problem, which it puts in rep.
func walk(ctx context.Context, read func(from uint64, max int) ([]storage.Record, error), rep *LogReport, each func(storage.Record) *Problem) error {
	prev := storage.ZeroHash
	chained := false
	for from := uint64(1); ; {
		recs, err := read(from, readPage)
		if err != nil {
			return fmt.Errorf("audit: reading the log of %s %s: %w", rep.Kind, rep.ID, err)
		}
		for _, r := range recs {
			if r.Seq != rep.Records+1 {
				rep.Problem = &Problem{rep.Records + 1, fmt.Sprintf("missing: the log jumps from %d to %d", rep.Records, r.Seq)}
				return nil
			}
			rep.Records++
			switch {
			case r.Hash == nil && chained:
				rep.Problem = &Problem{r.Seq, "has no chain link, though the events before it have"}
				return nil
			case r.Hash == nil:
				rep.Unchained++
			default:
				chained = true
				if !bytes.Equal(r.Prev, prev) {
					rep.Problem = &Problem{r.Seq, fmt.Sprintf("its chain starts from %x, not from the link of the event before (%x)", r.Prev, prev)}
					return nil
				}
				if want := storage.ChainHash(prev, r.Seq, r.Data); !bytes.Equal(want, r.Hash) {
					rep.Problem = &Problem{r.Seq, "its content does not match its chain link (it was changed after it was stored)"}
					return nil
				}
				prev = r.Hash
				rep.LastHash = hex.EncodeToString(r.Hash)
			}
			rep.LastSeq = r.Seq
			if p := each(r); p != nil {
				rep.Problem = p
				return nil
			}
		}
		if len(recs) < readPage {
			return nil
		}
		from += uint64(len(recs))
	}
}

// VerifyConsultation checks a consultation's stored log. An error means
// it could not be read; a log that does not verify is a LogReport with a
// Problem.
func VerifyConsultation(ctx context.Context, src ConsultationSource, id string) (LogReport, error) {
	rep := LogReport{Kind: KindConsultation, ID: id}
	c := &office.Consultation{}
	prev := ""
	err := walk(ctx, func(from uint64, max int) ([]storage.Record, error) {
		return src.ReadConsultation(ctx, id, from, max)
	}, &rep, func(r storage.Record) *Problem {
		ev, err := office.DecodeRecord(r.Data, r.Seq)
		if err != nil {
			return &Problem{r.Seq, fmt.Sprintf("unreadable event: %v", err)}
		}
		summary := false
		what, mark := checkArchived(ev, c.Archived, c.Version, prev)
		if what == "" && !mark {
			what = checkConsultation(c, id, ev, &summary)
		}
		if what != "" {
			return &Problem{r.Seq, what}
		}
		prev = hex.EncodeToString(r.Hash)
		if err := c.Apply(ev); err != nil {
			return &Problem{r.Seq, fmt.Sprintf("does not fit the consultation: %v", err)}
		}
		rep.SummaryChecked = rep.SummaryChecked || summary
		return nil
	})
	if err != nil {
		return rep, err
	}
	rep.Status, rep.Members, rep.Answered, rep.Imported = string(c.Status), len(c.Members), len(c.Answered), c.Archived
	return rep, nil
}

// checkArchived says why ev cannot follow a log marked imported from an
// archive (nothing follows the mark), or why the mark itself does not
// fit: it names the event it follows (version) and that event's chain
// link (prev; "" for an unchained log). "" when it can.
// mark says ev is such a mark (the other checks leave it).
func checkArchived(ev office.Event, marked *meeting.ArchiveMark, version uint64, prev string) (what string, mark bool) {
	if marked != nil {
		return fmt.Sprintf("%s after the log was marked imported from an archive (nothing follows that mark)", ev.Type()), false
	}
	var d office.ConsultationArchived
	switch m := ev.Data.(type) {
	case office.ConsultationArchived:
		d = m
	case office.ConclusionArchived:
		d = office.ConsultationArchived(m)
	default:
		return "", false
	}
	switch {
	case version == 0:
		return "a log that starts with its archive mark", true
	case d.Events != version:
		return fmt.Sprintf("marked imported after event %d, but it follows event %d", d.Events, version), true
	case d.LastHash != prev:
		return fmt.Sprintf("marked imported after the link %s, but the event before has %s", d.LastHash, prev), true
	}
	return "", true
}

// checkConsultation says why ev cannot follow c ("" when it can); summary
// is set when ev's stored summary was counted again.
func checkConsultation(c *office.Consultation, id string, ev office.Event, summary *bool) string {
	if !c.Exists() {
		d, ok := ev.Data.(office.ConsultationDrafted)
		if !ok {
			return fmt.Sprintf("the log starts with %s, not ConsultationDrafted", ev.Type())
		}
		if d.ID != id {
			return fmt.Sprintf("drafts consultation %q in the log of %q", d.ID, id)
		}
		seen := map[string]bool{}
		for _, m := range d.Members {
			if seen[m.Person] {
				return fmt.Sprintf("lists member %q twice (their answer would count twice)", m.Person)
			}
			seen[m.Person] = true
		}
		if p := uniqueQuestions(d.Questions); p != "" {
			return p
		}
		return ""
	}
	switch d := ev.Data.(type) {
	case office.ConsultationRecordIssued:
		if c.Status != office.StatusClosed || c.Result == nil {
			return fmt.Sprintf("issues its summary for signing while it is %s (not yet summed up)", c.Status)
		}
		if _, err := office.ParseConsultationRecordKey(d.Record); err != nil {
			return fmt.Sprintf("issues %q, which is no summary's record", d.Record)
		}
		return ""
	case office.ConsultationRecordSigned:
		if c.Status != office.StatusClosed {
			return fmt.Sprintf("signs its summary while it is %s", c.Status)
		}
		if r := c.Records[d.Record]; r == nil || r.SHA256 != d.Prev {
			return fmt.Sprintf("signs a version of %s that is not its current one", d.Record)
		}
		return ""
	}
	if c.Status == office.StatusClosed {
		return fmt.Sprintf("%s after the consultation was closed (only its summary's signing follows ConsultationClosed)", ev.Type())
	}
	switch d := ev.Data.(type) {
	case office.ConsultationDrafted:
		return "a second ConsultationDrafted"
	case office.ConsultationEdited:
		if c.Status != office.StatusDraft {
			return fmt.Sprintf("edits the consultation while it is %s (only a draft changes)", c.Status)
		}
		return uniqueQuestions(d.Questions)
	case office.ConsultationDocumentAdded:
		if c.Status != office.StatusDraft {
			return fmt.Sprintf("adds a document while the consultation is %s (only a draft changes)", c.Status)
		}
	case office.ConsultationApproved:
		if c.Status != office.StatusDraft {
			return fmt.Sprintf("approves a consultation that is %s", c.Status)
		}
		if ev.Actor != c.Chair {
			return fmt.Sprintf("approved by %q, not by the committee's chair %q", ev.Actor, c.Chair)
		}
	case office.AnswerGiven:
		switch {
		case c.Status != office.StatusOpen:
			return fmt.Sprintf("an answer of %s while the consultation is %s", d.Person, c.Status)
		case !c.IsMember(d.Person):
			return fmt.Sprintf("an answer of %q, who is not a member asked", d.Person)
		case ev.Actor != d.Person:
			return fmt.Sprintf("the answer of %s was given by %q", d.Person, ev.Actor)
		case !ev.At.Before(c.Deadline):
			return fmt.Sprintf("an answer of %s at %s, at or after the deadline %s", d.Person, ev.At.Format(time.RFC3339), c.Deadline.Format(time.RFC3339))
		}
		want, err := c.CheckAnswers(d.Answers)
		if err != nil {
			return fmt.Sprintf("the answers of %s do not check (every question answered once, a choice of its own): %v", d.Person, err)
		}
		if !reflect.DeepEqual(want, d.Answers) {
			return fmt.Sprintf("the answers of %s are not as an answer is recorded (one per question, in the questions' order)", d.Person)
		}
	case office.RemindersSent:
		if c.Status != office.StatusOpen {
			return fmt.Sprintf("reminders while the consultation is %s", c.Status)
		}
		for _, p := range d.To {
			if !c.IsMember(p) {
				return fmt.Sprintf("reminds %q, who is not a member asked", p)
			}
		}
	case office.ConsultationClosed:
		if c.Status != office.StatusOpen {
			return fmt.Sprintf("closes a consultation that is %s", c.Status)
		}
		switch d.By {
		case "deadline":
			if ev.At.Before(c.Deadline) {
				return fmt.Sprintf("closed by the deadline at %s, before the deadline %s", ev.At.Format(time.RFC3339), c.Deadline.Format(time.RFC3339))
			}
		case "chair":
			if ev.Actor != c.Chair {
				return fmt.Sprintf("closed by %q as the chair; the chair is %q", ev.Actor, c.Chair)
			}
		default:
			return fmt.Sprintf("closed by %q (deadline or chair)", d.By)
		}
		if diff := diffSummary(office.Summarize(c), d.Result); diff != "" {
			return "the stored summary is not the count of the answers: " + diff
		}
		*summary = true
	}
	return ""
}

func uniqueQuestions(qs []office.Question) string {
	seen := map[string]bool{}
	for _, q := range qs {
		if seen[q.ID] {
			return fmt.Sprintf("question %q twice", q.ID)
		}
		seen[q.ID] = true
	}
	return ""
}

// diffSummary names the first difference between the summary counted
// from the answers and the stored one ("" when they agree).
func diffSummary(want, got office.Summary) string {
	switch {
	case got.Members != want.Members:
		return fmt.Sprintf("it counts against %d members, %d were asked", got.Members, want.Members)
	case got.Answered != want.Answered:
		return fmt.Sprintf("it says %d answered, the log holds answers of %d", got.Answered, want.Answered)
	case !slices.Equal(got.NotAnswered, want.NotAnswered):
		return fmt.Sprintf("it lists %v as not answering, the log %v", got.NotAnswered, want.NotAnswered)
	case len(got.Questions) != len(want.Questions):
		return fmt.Sprintf("%d questions counted, the consultation has %d", len(got.Questions), len(want.Questions))
	}
	for i, w := range want.Questions {
		g := got.Questions[i]
		if g.Question != w.Question {
			return fmt.Sprintf("question %d is %q, the consultation's is %q", i+1, g.Question, w.Question)
		}
		if !slices.Equal(g.Counts, w.Counts) {
			return fmt.Sprintf("question %s counts %s, the answers give %s", w.Question, counts(g.Counts), counts(w.Counts))
		}
		if g.Base != w.Base || g.Needed != w.Needed {
			return fmt.Sprintf("question %s needs %d of %d, the rule gives %d of %d", w.Question, g.Needed, g.Base, w.Needed, w.Base)
		}
		if (g.Passed == nil) != (w.Passed == nil) || (g.Passed != nil && *g.Passed != *w.Passed) {
			return fmt.Sprintf("question %s: passed %s, the count gives %s", w.Question, passed(g.Passed), passed(w.Passed))
		}
		if !slices.Equal(g.Opinions, w.Opinions) {
			return fmt.Sprintf("question %s: %d written opinions stored, the answers hold %d (or they differ)", w.Question, len(g.Opinions), len(w.Opinions))
		}
	}
	if !reflect.DeepEqual(want, got) {
		return "it differs from the count"
	}
	return ""
}

func counts(cs []office.ChoiceCount) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", c.Choice, c.Count)
	}
	return "[" + b.String() + "]"
}

func passed(p *bool) string {
	if p == nil {
		return "nothing (a free question)"
	}
	return fmt.Sprint(*p)
}

// VerifyConclusion checks a conclusion's stored log. An error means it
// could not be read; a log that does not verify is a LogReport with a
// Problem. Its number is checked against the other conclusions' by
// CheckNumbers.
func VerifyConclusion(ctx context.Context, src ConclusionSource, id string) (LogReport, error) {
	rep := LogReport{Kind: KindConclusion, ID: id}
	c := &office.Conclusion{}
	prev := ""
	err := walk(ctx, func(from uint64, max int) ([]storage.Record, error) {
		return src.ReadConclusion(ctx, id, from, max)
	}, &rep, func(r storage.Record) *Problem {
		ev, err := office.DecodeRecord(r.Data, r.Seq)
		if err != nil {
			return &Problem{r.Seq, fmt.Sprintf("unreadable event: %v", err)}
		}
		what, mark := checkArchived(ev, c.Archived, c.Version, prev)
		if what == "" && !mark {
			what = checkConclusion(c, id, ev)
		}
		if what != "" {
			return &Problem{r.Seq, what}
		}
		prev = hex.EncodeToString(r.Hash)
		if err := c.Apply(ev); err != nil {
			return &Problem{r.Seq, fmt.Sprintf("does not fit the conclusion: %v", err)}
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	rep.Status, rep.Numbered, rep.Series, rep.Year, rep.Number = string(c.Status), c.Numbered, c.Series, c.Year, c.Number
	rep.Tasks, rep.Imported = len(c.Tasks), c.Archived
	for _, t := range c.Tasks {
		rep.Reports += len(t.Reports)
	}
	return rep, nil
}

// vietnam is the time zone a number's year is counted in (as
// meeting/conclusions counts it).
var vietnam = time.FixedZone("ICT", 7*3600)

// checkConclusion says why ev cannot follow c ("" when it can).
func checkConclusion(c *office.Conclusion, id string, ev office.Event) string {
	if !c.Exists() {
		d, ok := ev.Data.(office.ConclusionDrafted)
		if !ok {
			return fmt.Sprintf("the log starts with %s, not ConclusionDrafted", ev.Type())
		}
		if d.ID != id {
			return fmt.Sprintf("drafts conclusion %q in the log of %q", d.ID, id)
		}
		return uniqueTasks(d.Tasks)
	}
	switch d := ev.Data.(type) {
	case office.ConclusionDrafted:
		return "a second ConclusionDrafted"
	case office.ConclusionEdited:
		if c.Status != office.StatusDraft {
			return fmt.Sprintf("edits the conclusion while it is %s (only a draft changes)", c.Status)
		}
		return uniqueTasks(d.Tasks)
	case office.ConclusionApproved:
		switch {
		case c.Status != office.StatusDraft:
			return fmt.Sprintf("approves a conclusion that is %s", c.Status)
		case ev.Actor != c.Chair:
			return fmt.Sprintf("approved by %q, not by the committee's chair %q", ev.Actor, c.Chair)
		case d.Number < 1 || d.Year < 2000:
			return fmt.Sprintf("approved with number %d of year %d", d.Number, d.Year)
		case !strings.HasPrefix(d.Series, office.KindSymbol(c.Kind)+"/"):
			return fmt.Sprintf("a %s numbered in series %q", c.Kind, d.Series)
		case d.Numbered != office.FormatNumber(d.Number, d.Series):
			return fmt.Sprintf("its number is written %q, number %d of %s is %q", d.Numbered, d.Number, d.Series, office.FormatNumber(d.Number, d.Series))
		case d.Year != ev.At.In(vietnam).Year() && d.Year != ev.At.In(vietnam).Year()-1:
			// (the year before: a number reserved just before the New
			// Year's midnight, appended just after)
			return fmt.Sprintf("approved in %d with a number of year %d", ev.At.In(vietnam).Year(), d.Year)
		}
	case office.ConclusionPublished:
		if c.Status != office.StatusApproved {
			return fmt.Sprintf("publishes a conclusion that is %s", c.Status)
		}
	case office.TaskReported:
		t, ok := c.Task(d.Task)
		switch {
		case c.Status != office.StatusPublished:
			return fmt.Sprintf("a report on task %s of a conclusion that is %s", d.Task, c.Status)
		case !ok:
			return fmt.Sprintf("a report on task %q, which the conclusion does not have", d.Task)
		case !t.Done.IsZero():
			return fmt.Sprintf("a report on task %s after it was reported done", d.Task)
		case d.Percent < 0 || d.Percent > 100:
			return fmt.Sprintf("task %s at %d %%", d.Task, d.Percent)
		case d.Done && d.Percent != 100:
			return fmt.Sprintf("task %s reported done at %d %%", d.Task, d.Percent)
		case d.Attachment != nil && (d.Attachment.SHA256 == "" || d.Attachment.Pages < 1):
			return fmt.Sprintf("the attachment of a report on task %s names no stored PDF", d.Task)
		}
	case office.ConclusionRecordIssued:
		if c.Status != office.StatusApproved && c.Status != office.StatusPublished {
			return fmt.Sprintf("issues its PDF for signing while it is %s (not yet numbered)", c.Status)
		}
	case office.ConclusionRecordSigned:
		if c.Status != office.StatusApproved && c.Status != office.StatusPublished {
			return fmt.Sprintf("signs its PDF while it is %s", c.Status)
		}
		if r := c.Records[d.Record]; r == nil || r.SHA256 != d.Prev {
			return fmt.Sprintf("signs a version of %s that is not its current one", d.Record)
		}
	case office.TasksReminded:
		if c.Status != office.StatusPublished {
			return fmt.Sprintf("reminders of a conclusion that is %s", c.Status)
		}
		for _, tid := range d.Tasks {
			t, ok := c.Task(tid)
			switch {
			case !ok:
				return fmt.Sprintf("reminds task %q, which the conclusion does not have", tid)
			case !t.Done.IsZero():
				return fmt.Sprintf("reminds task %s, which is done", tid)
			case ev.At.Before(t.Deadline):
				return fmt.Sprintf("reminds task %s as overdue before its deadline %s", tid, t.Deadline.Format(time.RFC3339))
			}
		}
	}
	return ""
}

func uniqueTasks(ts []office.Task) string {
	seen := map[string]bool{}
	for _, t := range ts {
		if seen[t.ID] {
			return fmt.Sprintf("task %q twice", t.ID)
		}
		seen[t.ID] = true
		if t.Percent != 0 && len(t.Reports) == 0 {
			return fmt.Sprintf("task %s at %d %% without a report", t.ID, t.Percent)
		}
	}
	return ""
}

// SeriesReader reads the registry's series entries (storage.Registry).
type SeriesReader interface {
	GetEntry(ctx context.Context, kind, id string) ([]byte, error)
}

// CheckNumbers checks the numbers of conclusions: no number of a series
// and year given to two of them, and, with reg, that the registry's
// series entry (meeting/conclusions' counter) gave each its number. With
// only set, it names problems of that conclusion only. It returns the
// problems found, in order ("" none); an error means reg could not be
// read.
func CheckNumbers(ctx context.Context, all []LogReport, reg SeriesReader, only string) ([]string, error) {
	var out []string
	type key struct {
		series string
		year   int
		number int
	}
	by := map[key][]string{}
	for _, r := range all {
		if r.Kind == KindConclusion && r.Number > 0 {
			k := key{r.Series, r.Year, r.Number}
			by[k] = append(by[k], r.ID)
		}
	}
	for _, r := range all {
		if r.Kind != KindConclusion || r.Number == 0 || (only != "" && r.ID != only) {
			continue
		}
		k := key{r.Series, r.Year, r.Number}
		if ids := by[k]; len(ids) > 1 {
			others := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == r.ID })
			out = append(out, fmt.Sprintf("conclusion %s: number %s of %d is given to %s too", r.ID, r.Numbered, r.Year, strings.Join(others, ", ")))
		}
		if reg == nil {
			continue
		}
		b, err := reg.GetEntry(ctx, "series", office.SeriesEntryID(r.Series, r.Year))
		if errors.Is(err, storage.ErrNotFound) {
			out = append(out, fmt.Sprintf("conclusion %s: number %s, and the registry has no series %s of %d", r.ID, r.Numbered, r.Series, r.Year))
			continue
		}
		if err != nil {
			return out, fmt.Errorf("audit: reading series %s of %d: %w", r.Series, r.Year, err)
		}
		var s office.SeriesEntry
		if err := json.Unmarshal(b, &s); err != nil {
			out = append(out, fmt.Sprintf("series %s of %d: unreadable registry entry: %v", r.Series, r.Year, err))
			continue
		}
		if got, ok := s.Given[r.ID]; !ok || got != r.Number || r.Number > s.Last {
			out = append(out, fmt.Sprintf("conclusion %s: its log says number %d of %s (%d), the series' counter gave it %d (last given %d)", r.ID, r.Number, r.Series, r.Year, got, s.Last))
		}
	}
	return out, nil
}
