package meeting

import (
	"strings"
	"testing"
)

// TestRecordSigning: a record is issued, signed by the chair then the
// secretary (each on the version before), a signature on a stale version
// is a Conflict, a record issued again starts over, the record keeps
// across a replay and a closed meeting still takes signatures.
func TestRecordSigning(t *testing.T) {
	l := inSession(t)
	sha3 := strings.Repeat("ef", 32)
	l.run(t,
		step{"sec", IssueRecord{Record: "minutes/vi", SHA256: sha, Size: 100}},
		step{"chair", CloseMeeting{}},
		step{"chair", SignRecord{Record: "minutes/vi", Prev: sha, SHA256: sha2, Size: 200, Signer: "Trần Văn Quang", Level: "B-B", Where: "server"}},
		step{"sec", SignRecord{Record: "minutes/vi", Prev: sha2, SHA256: sha3, Size: 300, Signer: "Lê Thu Trang", Level: "B-T", Where: "token"}},
	)
	r := l.s.Records["minutes/vi"]
	if r == nil || r.SHA256 != sha3 || r.Size != 300 || len(r.Signatures) != 2 ||
		r.Signatures[0].Participant != "chair" || r.Signatures[1].Signer != "Lê Thu Trang" || r.Signatures[1].Where != "token" {
		t.Fatalf("record = %+v", r)
	}
	sameJSON(t, "replayed state", replay(t, l.events), l.s)
	if c := l.s.Clone(); c.Records["minutes/vi"] == r || len(c.Records["minutes/vi"].Signatures) != 2 {
		t.Fatal("Clone shares or loses the records")
	}

	for _, tc := range []struct {
		name  string
		actor string
		cmd   Command
		code  Code
	}{
		{"stale version", "chair", SignRecord{Record: "minutes/vi", Prev: sha2, SHA256: sha, Size: 1, Signer: "X", Level: "B-B", Where: "server"}, Conflict},
		{"not issued", "chair", SignRecord{Record: "packet", Prev: sha, SHA256: sha2, Size: 1, Signer: "X", Level: "B-B", Where: "server"}, Conflict},
		{"bad record", "chair", IssueRecord{Record: "minutes/fr", SHA256: sha, Size: 1}, Invalid},
		{"bad hash", "chair", IssueRecord{Record: "packet", SHA256: "abc", Size: 1}, Invalid},
		{"bad level", "chair", SignRecord{Record: "minutes/vi", Prev: sha3, SHA256: sha, Size: 1, Signer: "X", Level: "B-LTA", Where: "server"}, Invalid},
		{"no signer", "chair", SignRecord{Record: "minutes/vi", Prev: sha3, SHA256: sha, Size: 1, Level: "B-B", Where: "server"}, Invalid},
		{"no election", "chair", IssueRecord{Record: "counting/none/vi", SHA256: sha, Size: 1}, NotFound},
		{"a delegate", "d1", IssueRecord{Record: "packet", SHA256: sha, Size: 1}, Forbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decide(l.s, Actor{Participant: tc.actor}, tc.cmd, l.now)
			if e := asError(t, err); e.Code != tc.code {
				t.Fatalf("%s: %v, want %s", tc.name, err, tc.code)
			}
		})
	}

	// Issued again: the new version has no signature yet.
	l.run(t, step{"chair", IssueRecord{Record: "minutes/vi", SHA256: sha, Size: 100}})
	if r := l.s.Records["minutes/vi"]; r.SHA256 != sha || len(r.Signatures) != 0 || r.IssuedBy != "chair" {
		t.Fatalf("issued again: %+v", r)
	}
	// The same version again: nothing happens.
	if evs := l.run(t, step{"sec", IssueRecord{Record: "minutes/vi", SHA256: sha, Size: 100}}); len(evs) != 0 {
		t.Fatalf("issuing the current version again made %d events", len(evs))
	}
}
