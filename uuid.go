package azsessions

import (
	"crypto/rand"
	"encoding/hex"
)

// newUUID returns a random version 4 UUID with the RFC 4122 variant: an
// execution's operation-id. azcore's runtime.NewUUID is not used because its
// UUIDs fail the RFC 4122 variant test: it sets the variant bits to 01 (byte
// 8 in 0x40-0x7f), not 10 (0x80-0xbf), and strict parsers of the id may
// reject that.
func newUUID() (string, error) {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", err
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:]), nil
}
