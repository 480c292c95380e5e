package azsessions

import (
	"regexp"
	"testing"
)

// TestNewUUIDIsRFC4122Version4 checks what azcore's runtime.NewUUID gets
// wrong and the reason newUUID exists: the variant nibble is 8, 9, a or b.
func TestNewUUIDIsRFC4122Version4(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 256 {
		u, err := newUUID()
		if err != nil {
			t.Fatal(err)
		}
		if !re.MatchString(u) {
			t.Fatalf("newUUID() = %q, not an RFC 4122 version 4 UUID", u)
		}
		if seen[u] {
			t.Fatalf("newUUID() repeated %q", u)
		}
		seen[u] = true
	}
}
