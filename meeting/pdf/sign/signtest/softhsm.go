package signtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// SoftHSMModule returns the path of SoftHSM2's PKCS#11 module; the test
// fails when it is not installed (.ci/deps.sh installs softhsm2).
func SoftHSMModule(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{
		"/usr/lib/softhsm/libsofthsm2.so",
		"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
		"/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
		"/usr/local/lib/softhsm/libsofthsm2.so",
	} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	tb.Fatal("SoftHSM2 is needed (apt-get install softhsm2; .ci/deps.sh installs it)")
	return ""
}

// NewSoftHSMToken makes an empty SoftHSM2 token labelled label with user
// PIN pin, in a configuration and token folder of its own under a
// temporary folder; SOFTHSM2_CONF points at it for the rest of the test
// (so the test must not run in parallel). It returns the module path.
func NewSoftHSMToken(tb testing.TB, label, pin string) string {
	tb.Helper()
	module := SoftHSMModule(tb)
	dir := tb.TempDir()
	tokens := filepath.Join(dir, "tokens")
	if err := os.Mkdir(tokens, 0o700); err != nil {
		tb.Fatal(err)
	}
	conf := filepath.Join(dir, "softhsm2.conf")
	if err := os.WriteFile(conf, []byte("directories.tokendir = "+tokens+"\nobjectstore.backend = file\nlog.level = ERROR\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	if t, ok := tb.(interface{ Setenv(k, v string) }); ok {
		t.Setenv("SOFTHSM2_CONF", conf)
	} else {
		tb.Fatal("NewSoftHSMToken needs a *testing.T")
	}
	out, err := exec.Command("softhsm2-util", "--init-token", "--free", "--label", label,
		"--pin", pin, "--so-pin", pin+"-so").CombinedOutput()
	if err != nil {
		tb.Fatalf("softhsm2-util --init-token: %v\n%s", err, out)
	}
	return module
}
