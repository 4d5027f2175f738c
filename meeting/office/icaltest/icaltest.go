// Package icaltest is a strict reader of iCalendar (RFC 5545) for tests:
// it refuses what a lenient calendar app would forgive (a bare LF, a line
// longer than 75 octets, a split UTF-8 character, an unescaped comma or
// semicolon in a text value, a bad escape, a missing UID, DTSTAMP or
// DTSTART, unbalanced BEGIN/END), so that a feed it reads is one every
// phone's calendar reads.
package icaltest

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Event is one VEVENT: its properties, unescaped, by name.
type Event struct {
	UID, Summary, Location, Description string
	Stamp, Start, End                   time.Time
	Props                               map[string]string
}

// Calendar is one VCALENDAR.
type Calendar struct {
	Props  map[string]string
	Events []Event
}

// Parse reads data strictly.
func Parse(data []byte) (*Calendar, error) {
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		return nil, fmt.Errorf("the object does not end with CRLF")
	}
	raw := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
	var lines []string
	for i, l := range raw {
		if strings.ContainsAny(l, "\r\n") {
			return nil, fmt.Errorf("line %d: a bare CR or LF", i+1)
		}
		if len(l) > 75 {
			return nil, fmt.Errorf("line %d is %d octets long (at most 75): %q", i+1, len(l), l)
		}
		if l == "" {
			return nil, fmt.Errorf("line %d is empty", i+1)
		}
		if !utf8.ValidString(l) {
			return nil, fmt.Errorf("line %d is not valid UTF-8 (a character split by folding?)", i+1)
		}
		if l[0] == ' ' || l[0] == '\t' {
			if len(lines) == 0 {
				return nil, fmt.Errorf("line %d continues nothing", i+1)
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	cal := &Calendar{Props: map[string]string{}}
	var (
		stack []string
		ev    *Event
	)
	for i, l := range lines {
		if !utf8.ValidString(l) {
			return nil, fmt.Errorf("content line %d is not valid UTF-8 once unfolded (a character split by folding?)", i+1)
		}
		colon := strings.IndexByte(l, ':')
		if colon <= 0 {
			return nil, fmt.Errorf("content line %d has no name: %q", i+1, l)
		}
		name, value := strings.ToUpper(l[:colon]), l[colon+1:]
		if semi := strings.IndexByte(name, ';'); semi >= 0 {
			name = name[:semi]
		}
		switch name {
		case "BEGIN":
			stack = append(stack, value)
			if value == "VEVENT" {
				if len(stack) != 2 || stack[0] != "VCALENDAR" {
					return nil, fmt.Errorf("a VEVENT outside a VCALENDAR")
				}
				ev = &Event{Props: map[string]string{}}
			}
			continue
		case "END":
			if len(stack) == 0 || stack[len(stack)-1] != value {
				return nil, fmt.Errorf("END:%s does not close %v", value, stack)
			}
			stack = stack[:len(stack)-1]
			if value == "VEVENT" {
				if err := finish(ev); err != nil {
					return nil, err
				}
				cal.Events = append(cal.Events, *ev)
				ev = nil
			}
			continue
		}
		if len(stack) == 0 {
			return nil, fmt.Errorf("content line %d outside any component", i+1)
		}
		text, err := unescape(value)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		props := cal.Props
		if ev != nil {
			props = ev.Props
		}
		if _, dup := props[name]; dup && name != "CATEGORIES" {
			return nil, fmt.Errorf("%s twice", name)
		}
		props[name] = text
	}
	if len(stack) != 0 {
		return nil, fmt.Errorf("unclosed %v", stack)
	}
	if cal.Props["VERSION"] != "2.0" || cal.Props["PRODID"] == "" {
		return nil, fmt.Errorf("a VCALENDAR needs VERSION:2.0 and PRODID")
	}
	return cal, nil
}

func finish(ev *Event) error {
	for _, req := range []string{"UID", "DTSTAMP", "DTSTART"} {
		if ev.Props[req] == "" {
			return fmt.Errorf("a VEVENT without %s", req)
		}
	}
	var err error
	ev.UID, ev.Summary, ev.Location, ev.Description = ev.Props["UID"], ev.Props["SUMMARY"], ev.Props["LOCATION"], ev.Props["DESCRIPTION"]
	if ev.Stamp, err = utc(ev.Props["DTSTAMP"]); err != nil {
		return err
	}
	if ev.Start, err = utc(ev.Props["DTSTART"]); err != nil {
		return err
	}
	if e := ev.Props["DTEND"]; e != "" {
		if ev.End, err = utc(e); err != nil {
			return err
		}
		if !ev.End.After(ev.Start) {
			return fmt.Errorf("%s: DTEND is not after DTSTART", ev.UID)
		}
	}
	return nil
}

func utc(s string) (time.Time, error) {
	t, err := time.Parse("20060102T150405Z", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("a date-time %q not in UTC form: %w", s, err)
	}
	return t, nil
}

// unescape reads a TEXT value: \\ \; \, \n \N are the only escapes, and an
// unescaped ; or , is refused (these properties hold one value).
func unescape(v string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			if i+1 >= len(v) {
				return "", fmt.Errorf("a trailing backslash in %q", v)
			}
			i++
			switch v[i] {
			case '\\', ';', ',':
				b.WriteByte(v[i])
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				return "", fmt.Errorf("a bad escape \\%c in %q", v[i], v)
			}
		case ';', ',':
			return "", fmt.Errorf("an unescaped %q in %q", c, v)
		default:
			if c < 0x20 && c != '\t' {
				return "", fmt.Errorf("a control character in %q", v)
			}
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}
