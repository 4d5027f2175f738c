package meeting

import (
	"errors"
	"fmt"
)

// Code classifies an error. The edge maps each code to an HTTP status and a
// WebSocket error once (realtime); clients switch on the code and show the
// message.
type Code string

// The error codes.
const (
	// Invalid: the command is malformed (a missing field, a page out of range).
	Invalid Code = "invalid"
	// NotFound: the command names something that does not exist.
	NotFound Code = "not_found"
	// Forbidden: the actor's role does not allow the command.
	Forbidden Code = "forbidden"
	// Conflict: the command does not fit the current state (no open poll,
	// already voted, meeting closed, id taken).
	Conflict Code = "conflict"
	// Unauthorized: no valid session.
	Unauthorized Code = "unauthorized"
	// Unavailable: a dependency (storage, bus) cannot be reached; the
	// command had no effect and may be retried.
	Unavailable Code = "unavailable"
	// Internal: a bug. The command had no effect.
	Internal Code = "internal"
	// RateLimited: the participant sent too much too fast (commands, or
	// annotation bytes); the command had no effect and may be sent again
	// after the wait the message names.
	RateLimited Code = "rate_limited"
	// Archived: the meeting was brought back from its archive (dais archive
	// import) and is kept read only: every command is refused; signing in
	// and reading (state, documents, minutes, ballots) still work.
	Archived Code = "archived"
)

// Error is a refusal fit to show a person, in English and Vietnamese.
type Error struct {
	Code Code `json:"code"`
	// Message is English; MessageVI is Vietnamese.
	Message   string `json:"message"`
	MessageVI string `json:"message_vi"`
	// Reason names the rule behind some refusals, for clients to act on
	// (e.g. "taken_back": delete the copy): see the Reason constants.
	Reason string `json:"reason,omitempty"`
	// cause is the fault behind an Unavailable or Internal error: for
	// logs and errors.Is, never shown to the person.
	cause error
}

func (e *Error) Error() string {
	if e.cause != nil {
		return string(e.Code) + ": " + e.Message + ": " + e.cause.Error()
	}
	return string(e.Code) + ": " + e.Message
}

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// WithCause returns a copy of e that carries cause for logs and errors.Is;
// the messages people see stay as they are.
func (e *Error) WithCause(cause error) *Error {
	c := *e
	c.cause = cause
	return &c
}

// Errorf returns an *Error with both messages. The Vietnamese format takes
// the same arguments as the English one.
func Errorf(code Code, vi, en string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(en, args...), MessageVI: fmt.Sprintf(vi, args...)}
}

// ErrorCode returns the code of err: the Code of an *Error in its chain, or
// Internal for any other non-nil error, or "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}
