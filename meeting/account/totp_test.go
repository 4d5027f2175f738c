package account

import (
	"crypto/sha1"
	"strings"
	"testing"
	"time"
)

// TestTOTPVectors checks hotp against the test vectors of RFC 6238
// Appendix B (8 digits; the seed of each hash is the ASCII key repeated).
func TestTOTPVectors(t *testing.T) {
	seeds := map[string]string{
		"SHA1":   "12345678901234567890",
		"SHA256": "12345678901234567890123456789012",
		"SHA512": "1234567890123456789012345678901234567890123456789012345678901234",
	}
	for _, v := range []struct {
		unix int64
		hash string
		want string
	}{
		{59, "SHA1", "94287082"}, {59, "SHA256", "46119246"}, {59, "SHA512", "90693936"},
		{1111111109, "SHA1", "07081804"}, {1111111109, "SHA256", "68084774"}, {1111111109, "SHA512", "25091201"},
		{1111111111, "SHA1", "14050471"}, {1111111111, "SHA256", "67062674"}, {1111111111, "SHA512", "99943326"},
		{1234567890, "SHA1", "89005924"}, {1234567890, "SHA256", "91819424"}, {1234567890, "SHA512", "93441116"},
		{2000000000, "SHA1", "69279037"}, {2000000000, "SHA256", "90698825"}, {2000000000, "SHA512", "38618901"},
		{20000000000, "SHA1", "65353130"}, {20000000000, "SHA256", "77737706"}, {20000000000, "SHA512", "47863826"},
	} {
		got := hotp(hashFor(v.hash), []byte(seeds[v.hash]), uint64(v.unix/30), 8)
		if got != v.want {
			t.Errorf("TOTP %s at %d = %s, want %s", v.hash, v.unix, got, v.want)
		}
	}
	// The six-digit code apps show is the last six digits of the same value.
	if got := TOTPCode([]byte(seeds["SHA1"]), time.Unix(59, 0)); got != "287082" {
		t.Errorf("TOTPCode at 59 = %s, want 287082", got)
	}
	// RFC 4226 Appendix D, HOTP counter 0..2.
	for i, want := range []string{"755224", "287082", "359152"} {
		if got := hotp(sha1.New, []byte(seeds["SHA1"]), uint64(i), 6); got != want {
			t.Errorf("HOTP(%d) = %s, want %s", i, got, want)
		}
	}
}

func TestTOTPWindowAndReplay(t *testing.T) {
	key := NewTOTPSecret()
	now := time.Unix(1_800_000_015, 0) // mid-step
	step := totpStep(now)
	at := func(s int64) string { return TOTPCode(key, time.Unix(s*30, 0)) }
	for _, c := range []struct {
		name string
		code string
		last int64
		ok   bool
		step int64
	}{
		{"now", at(step), 0, true, step},
		{"one step early (slow phone)", at(step - 1), 0, true, step - 1},
		{"one step late (fast phone)", at(step + 1), 0, true, step + 1},
		{"two steps early", at(step - 2), 0, false, 0},
		{"two steps late", at(step + 2), 0, false, 0},
		{"replay of the code just used", at(step), step, false, 0},
		{"an older code after a newer one", at(step - 1), step, false, 0},
		{"newer than the last used", at(step + 1), step, true, step + 1},
		{"wrong code", "000000", 0, at(step) == "000000" || at(step-1) == "000000" || at(step+1) == "000000", -1},
		{"too short", at(step)[:5], 0, false, 0},
		{"with a space", at(step)[:3] + " " + at(step)[3:], 0, true, step},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := checkTOTP(key, c.code, now, c.last)
			if ok != c.ok || (c.step >= 0 && got != c.step) {
				t.Fatalf("checkTOTP(%q, last %d) = %d, %v; want %d, %v", c.code, c.last, got, ok, c.step, c.ok)
			}
		})
	}
}

func TestSecretRoundTripAndURI(t *testing.T) {
	key := NewTOTPSecret()
	s := EncodeSecret(key)
	back, err := DecodeSecret(strings.ToLower(s[:8]) + " " + s[8:])
	if err != nil || string(back) != string(key) {
		t.Fatalf("DecodeSecret(EncodeSecret) = %x, %v; want %x", back, err, key)
	}
	if _, err := DecodeSecret("not base32!"); err == nil {
		t.Fatal("DecodeSecret accepted garbage")
	}
	uri := OTPAuthURI("Dais Văn phòng", "huong", key)
	if !strings.HasPrefix(uri, "otpauth://totp/Dais%20V%C4%83n%20ph%C3%B2ng:huong?") || !strings.Contains(uri, "secret="+s) ||
		!strings.Contains(uri, "period=30") || !strings.Contains(uri, "digits=6") {
		t.Fatalf("OTPAuthURI = %s", uri)
	}
}
