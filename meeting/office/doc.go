// Package office is the domain of what happens between meetings (issue
// 13): the office's people and committees, kept once and reused; each
// person's calendar and its iCalendar form; and written consultations (lấy
// ý kiến bằng văn bản) — their commands, events, the fold of their log, and
// the summary that counts the answers against all members.
//
// Like package meeting it is pure: standard library only (and the core's
// error type), no network, no disk, no clock (time is passed in), no
// goroutines. The use cases live in meeting/committees (the registry, the
// calendar feeds) and meeting/consultations (a consultation's log, its
// deadline timer, reminders, the summary PDF).
package office
