package office

import (
	"strings"

	"github.com/dais-meeting/dais/meeting"
)

// A closed consultation's summary PDF (Báo cáo tổng hợp ý kiến) as a
// signed record, as a conclusion's PDF is (conclusion.go): record keys
// "summary/vi" and "summary/en", issued and signed by the committee's
// chair and the office's secretaries once the consultation is closed and
// summed up, the versions frozen in the consultation's own log.

type (
	// IssueConsultationRecord freezes the summary PDF (its SHA-256 and
	// size; Record a ConsultationRecordKey) as the version to sign;
	// issuing again starts over (meeting.IssueRecord's rules).
	IssueConsultationRecord meeting.IssueRecord
	// SignConsultationRecord replaces the current version (Prev) by the
	// same PDF with one more signature (meeting.SignRecord's rules).
	SignConsultationRecord meeting.SignRecord
	// ConsultationRecordIssued follows IssueConsultationRecord.
	ConsultationRecordIssued meeting.IssueRecord
	// ConsultationRecordSigned follows SignConsultationRecord.
	ConsultationRecordSigned meeting.SignRecord
)

func (IssueConsultationRecord) CommandName() string { return "IssueConsultationRecord" }
func (SignConsultationRecord) CommandName() string  { return "SignConsultationRecord" }
func (ConsultationRecordIssued) EventType() string  { return "ConsultationRecordIssued" }
func (ConsultationRecordSigned) EventType() string  { return "ConsultationRecordSigned" }

// ConsultationRecordKey is the key of a consultation's summary PDF in a
// language as a signed record: "summary/vi", "summary/en".
func ConsultationRecordKey(lang string) string { return "summary/" + lang }

// ParseConsultationRecordKey returns the language of a consultation's
// record key, or why it is not one.
func ParseConsultationRecordKey(key string) (lang string, err error) {
	switch key {
	case "summary/vi", "summary/en":
		return strings.TrimPrefix(key, "summary/"), nil
	}
	return "", meeting.Errorf(meeting.Invalid, "Văn bản ký %q không hợp lệ (summary/vi, summary/en)", "invalid record %q (summary/vi, summary/en)", key)
}

// MaySignRecord reports whether actor issues and signs c's summary: the
// committee's chair and the office's secretaries.
func (c *Consultation) MaySignRecord(actor Actor) bool {
	return actor.Secretary || (actor.Person != "" && actor.Person == c.Chair)
}

// decideRecord decides IssueConsultationRecord and SignConsultationRecord.
func (c *Consultation) decideRecord(actor Actor, cmd Command) ([]EventData, error) {
	switch cmd := cmd.(type) {
	case IssueConsultationRecord:
		if err := c.checkRecordCommand(actor, cmd.Record, cmd.SHA256, cmd.Size); err != nil {
			return nil, err
		}
		if issuedAlready(c.Records, meeting.IssueRecord(cmd)) {
			return nil, nil
		}
		return []EventData{ConsultationRecordIssued(cmd)}, nil
	case SignConsultationRecord:
		if err := c.checkRecordCommand(actor, cmd.Record, cmd.SHA256, cmd.Size); err != nil {
			return nil, err
		}
		s := meeting.SignRecord(cmd)
		if err := checkSignRecord(c.Records, &s); err != nil {
			return nil, err
		}
		return []EventData{ConsultationRecordSigned(s)}, nil
	}
	return nil, meeting.Errorf(meeting.Invalid, "Lệnh không hợp lệ", "unknown command %T", cmd)
}

// checkRecordCommand checks who issues or signs c's record key, that c is
// closed and summed up, and the file's digest.
func (c *Consultation) checkRecordCommand(actor Actor, key, sha string, size int64) error {
	if _, err := ParseConsultationRecordKey(key); err != nil {
		return err
	}
	if !c.MaySignRecord(actor) {
		return forbidden("Chỉ người chủ trì của ban và thư ký mới ký được báo cáo tổng hợp ý kiến", "only the committee's chair and the secretaries sign a consultation's summary")
	}
	if c.Status != StatusClosed || c.Result == nil {
		return meeting.Errorf(meeting.Conflict, "Đợt lấy ý kiến chưa kết thúc và tổng hợp; chưa ký được báo cáo", "the consultation is not closed and summed up yet: its summary cannot be signed")
	}
	return checkRecordFile(sha, size)
}

// applyRecord folds ConsultationRecordIssued and ConsultationRecordSigned.
func (c *Consultation) applyRecord(e Event) error {
	switch d := e.Data.(type) {
	case ConsultationRecordIssued:
		applyRecordIssued(&c.Records, meeting.IssueRecord(d), e)
	case ConsultationRecordSigned:
		return applyRecordSigned(c.Records, meeting.SignRecord(d), e)
	}
	return nil
}
