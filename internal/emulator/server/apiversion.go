package server

// The api-versions the emulator serves (docs/emulator.md, "Where the real service is unknown", 1). The
// legacy family speaks the properties/$id envelopes; the v2 family the flat
// contract of the TypeSpec versions.
const (
	V20240202Preview = "2024-02-02-preview"
	V20240802Preview = "2024-08-02-preview"
	V20241002Preview = "2024-10-02-preview"
	V20250202Preview = "2025-02-02-preview"
	V20251002Preview = "2025-10-02-preview"
)

type versionSet map[string]bool

func versions(vs ...string) versionSet {
	s := versionSet{}
	for _, v := range vs {
		s[v] = true
	}
	return s
}

var (
	legacyVersions = versions(V20240202Preview, V20240802Preview)
	v2Versions     = versions(V20241002Preview, V20250202Preview, V20251002Preview)
	// sessionVersions: /session, /listSessions and /metadata appeared in
	// 2025-02-02-preview.
	sessionVersions = versions(V20250202Preview, V20251002Preview)
	// managementVersions: the docs call .management/* with legacy and v2
	// versions alike, so every version the emulator knows is accepted.
	managementVersions = versions(V20240202Preview, V20240802Preview, V20241002Preview, V20250202Preview, V20251002Preview)
)

// knownVersion reports whether v is an api-version the emulator serves at all.
func knownVersion(v string) bool { return legacyVersions[v] || v2Versions[v] }

// emitsDirectory reports whether file JSON carries the "directory" field,
// which the contract added in 2025-10-02-preview.
func emitsDirectory(v string) bool { return v == V20251002Preview }
