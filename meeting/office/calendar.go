package office

import (
	"bytes"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The kinds of calendar entries.
const (
	EntryMeeting      = "meeting"
	EntryConsultation = "consultation"
)

// CalendarEntry is one thing on a person's calendar: a meeting they take
// part in, or the deadline of a consultation they are asked to answer.
type CalendarEntry struct {
	// UID stays the same for the same meeting or consultation, so that a
	// subscribed calendar updates the entry instead of adding one.
	UID   string    `json:"uid"`
	Kind  string    `json:"kind"`
	ID    string    `json:"id"`
	Title string    `json:"title"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Location is the meeting's place; empty for a consultation.
	Location string `json:"location,omitempty"`
	// Description says what the person is asked to do (their role, or
	// "answer before …").
	Description string `json:"description,omitempty"`
	// Status is the meeting's or the consultation's status.
	Status string `json:"status,omitempty"`
	// Answered: the person has answered the consultation.
	Answered bool `json:"answered,omitempty"`
}

// MeetingLength is how long a meeting's calendar entry lasts: meetings
// have a start time only, and a session of a committee is half a day.
const MeetingLength = 4 * time.Hour

// ConsultationSlot is how long a consultation's entry lasts, ending at its
// deadline (a reminder on the day, not a block of the whole period).
const ConsultationSlot = 30 * time.Minute

// SortEntries orders entries by start, then UID.
func SortEntries(es []CalendarEntry) {
	slices.SortFunc(es, func(a, b CalendarEntry) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.UID, b.UID)
	})
}

// ICalendar writes entries as an iCalendar object (RFC 5545) named name,
// stamped (DTSTAMP) at now: one VEVENT per entry with UID, DTSTAMP, DTSTART,
// DTEND (UTC), SUMMARY, LOCATION, DESCRIPTION. Text is escaped (backslash,
// semicolon, comma, newline), lines end in CRLF and are folded at 75
// octets without splitting a UTF-8 character.
func ICalendar(name string, entries []CalendarEntry, now time.Time) []byte {
	var b bytes.Buffer
	line := func(s string) { writeFolded(&b, s) }
	stamp := icalTime(now)
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Dais//Lịch họp//VI")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + EscapeText(name))
	line("X-WR-TIMEZONE:Asia/Ho_Chi_Minh")
	for _, e := range entries {
		line("BEGIN:VEVENT")
		line("UID:" + EscapeText(e.UID))
		line("DTSTAMP:" + stamp)
		line("DTSTART:" + icalTime(e.Start))
		line("DTEND:" + icalTime(e.End))
		line("SUMMARY:" + EscapeText(e.Title))
		if e.Location != "" {
			line("LOCATION:" + EscapeText(e.Location))
		}
		if e.Description != "" {
			line("DESCRIPTION:" + EscapeText(e.Description))
		}
		if e.Kind == EntryConsultation {
			line("CATEGORIES:" + EscapeText("Lấy ý kiến"))
		}
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.Bytes()
}

func icalTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// EscapeText escapes a TEXT value (RFC 5545 §3.3.11): backslash,
// semicolon and comma get a backslash, a line break becomes \n; other
// control characters are dropped.
func EscapeText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// writeFolded writes one content line, folded (RFC 5545 §3.1): no line
// longer than 75 octets before its CRLF; a continuation starts with a
// space, which counts among its 75.
func writeFolded(b *bytes.Buffer, s string) {
	const max = 75
	width := max
	for len(s) > width {
		cut := width
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		width = max - 1
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
