package seal

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestBallotRoundTrip(t *testing.T) {
	k := NewKey()
	pub, sealedPriv, err := NewPollKey(k, "m", "p")
	if err != nil {
		t.Fatal(err)
	}
	size := PlainSize(len("against"), 8)
	sealer, err := NewSealer(pub, "m", "p", size)
	if err != nil {
		t.Fatal(err)
	}
	var sealed [][]byte
	for _, b := range []Ballot{{Choice: "for"}, {Choice: "for"}, {Choice: "against", Content: []byte("12345678")}} {
		s, err := sealer.Seal(b)
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != SealedSize(size) {
			t.Fatalf("sealed ballot is %d bytes, want %d for every ballot", len(s), SealedSize(size))
		}
		sealed = append(sealed, s)
	}
	if other, err := SealBallot(pub, "m", "p", Ballot{Choice: "abstain"}, size); err != nil {
		t.Fatal(err)
	} else {
		sealed = append(sealed, other) // from another sealer (node)
	}
	if bytes.Equal(sealed[0][PublicKeySize:], sealed[1][PublicKeySize:]) {
		t.Fatal("two ballots with the same choice sealed alike")
	}
	if _, err := SealBallot(pub, "m", "p", Ballot{Choice: "against", Content: []byte("123456789")}, size); err == nil {
		t.Fatal("a ballot larger than the box sealed")
	}
	counts, ballots, err := Count(k, "m", "p", sealedPriv, sealed, []string{"for", "against", "abstain"})
	if err != nil {
		t.Fatal(err)
	}
	if counts["for"] != 2 || counts["against"] != 1 || counts["abstain"] != 1 || len(counts) != 3 || len(ballots) != 4 {
		t.Fatalf("Count = %v, %v", counts, ballots)
	}
	tests := map[string]func() error{
		"another key": func() error {
			_, _, err := Count(NewKey(), "m", "p", sealedPriv, sealed, []string{"for", "against"})
			return err
		},
		"another poll": func() error {
			_, _, err := Count(k, "m", "q", sealedPriv, sealed, []string{"for", "against"})
			return err
		},
		"an altered ballot": func() error {
			bad := append([]byte{}, sealed[2]...)
			bad[len(bad)-1] ^= 1
			_, _, err := Count(k, "m", "p", sealedPriv, [][]byte{sealed[0], bad}, []string{"for", "against"})
			return err
		},
		"a choice the box lacks": func() error {
			_, _, err := Count(k, "m", "p", sealedPriv, sealed, []string{"for"})
			return err
		},
	}
	for name, f := range tests {
		if err := f(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: err = %v, want ErrOpen", name, err)
		}
	}
}

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ballot.key")
	k1, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	k2, err := LoadOrCreateKeyFile(path)
	if err != nil || k1 != k2 {
		t.Fatalf("second load = %v, %v; want the same key", k2.ID(), err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKeyFile(path); err == nil {
		t.Fatal("a world-readable key file was accepted")
	}
	for _, bad := range []string{"", "abc", k1.String()[:62], k1.String() + "00", "zz" + k1.String()[2:]} {
		if _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) succeeded", bad)
		}
	}
	if k, err := ParseKey(" " + k1.String() + "\n"); err != nil || k != k1 {
		t.Fatalf("ParseKey of the key's text = %v", err)
	}
}
