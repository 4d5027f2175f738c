package account

import (
	"strings"
	"testing"
)

var testParams = Params{Memory: 64, Time: 1, Threads: 1}

func TestPasswordHashVerify(t *testing.T) {
	h, err := HashPassword("mật khẩu đủ dài 2026", testParams)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q is not PHC argon2id", h)
	}
	h2, _ := HashPassword("mật khẩu đủ dài 2026", testParams)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for _, c := range []struct {
		hash, pw string
		want     bool
	}{
		{h, "mật khẩu đủ dài 2026", true},
		{h2, "mật khẩu đủ dài 2026", true},
		{h, "mật khẩu đủ dài 2027", false},
		{h, "", false},
		{h, "mat khau du dai 2026", false},
		{strings.Replace(h, "argon2id", "argon2i", 1), "mật khẩu đủ dài 2026", false},
		{strings.Replace(h, "m=64", "m=999999999", 1), "mật khẩu đủ dài 2026", false},
		{"", "", false},
		{"$argon2id$v=19$m=64,t=1,p=1$!!$!!", "x", false},
	} {
		if got := VerifyPassword(c.hash, c.pw); got != c.want {
			t.Errorf("VerifyPassword(%q, %q) = %v, want %v", c.hash, c.pw, got, c.want)
		}
	}
	// A vector of the argon2 reference (x/crypto's test vector: argon2id,
	// m=64 KiB, t=1, p=1, "password", salt "somesalt", 24 bytes) as a PHC
	// string: the verifier reads the string and does not merely round-trip
	// its own output.
	const known = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$ZVrRXqxlLcWfcXCnMyv0m4Rpvh/bnCi7"
	if !VerifyPassword(known, "password") || VerifyPassword(known, "Password") {
		t.Fatal("the reference vector does not verify")
	}
	if needsRehash(h, testParams) || !needsRehash(h, DefaultParams) {
		t.Fatal("needsRehash does not compare parameters")
	}
}
