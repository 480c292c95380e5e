package agenttool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// A host that keeps a *Session across its Close and then asks
// Toolkit.Session for the same conversation holds two sessions of it: they
// never use the same sandbox, whatever resets follow.
func TestFakeTwoSessionsOfOneConversationStayApart(t *testing.T) {
	kit, pool := newFakeKit(t, &agenttool.Options{EnableDelete: true}, fixed(succeeded("", "", "")))
	s1 := kit.Session("b")
	call(t, s1, agenttool.ToolRunPython, map[string]any{"code": "1"})
	require.NoError(t, s1.Close(testContext(t)))
	s2 := kit.Session("b")
	require.NotSame(t, s1, s2)
	call(t, s2, agenttool.ToolRunPython, map[string]any{"code": "1"})
	call(t, s2, agenttool.ToolResetSession, nil)
	require.NotEqual(t, s1.Identifier(), s2.Identifier(), "after a reset of one, both were on the same sandbox")

	// What one writes, the other does not see.
	call(t, s1, agenttool.ToolUploadFile, map[string]any{"path": "mine.txt", "content": "s1", "encoding": nil})
	r := call(t, s2, agenttool.ToolDownloadFile, map[string]any{"path": "mine.txt"})
	require.True(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "there is no file /mnt/data/mine.txt")

	// A session closed before it was used leaves the conversation's first
	// identifier too, for the next *Session of it.
	s3 := kit.Session("c")
	require.NoError(t, s3.Close(testContext(t)))
	s4 := kit.Session("c")
	require.NotEqual(t, s3.Identifier(), s4.Identifier())
	require.NotContains(t, pool.deleted, s3.Identifier(), "an unused session's close sends nothing")
}

// The first identifier of a conversation depends on the key and the
// conversation alone, as docs/agents.md promises (a restarted host with a
// fixed Key finds the sandbox again); those after a reset are this toolkit's
// own.
func TestFakeIdentifiersUnderAFixedKey(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	k1, _ := newFakeKit(t, &agenttool.Options{Key: key}, fixed(succeeded("", "", "")))
	k2, _ := newFakeKit(t, &agenttool.Options{Key: key}, fixed(succeeded("", "", "")))
	a1, a2 := k1.Session("alice"), k2.Session("alice")
	// The value the derivation gave before generations had a nonce: a
	// sandbox made then is found again.
	require.Equal(t, "agent-"+goldenAlice, a1.Identifier())
	require.Equal(t, a1.Identifier(), a2.Identifier())

	call(t, a1, agenttool.ToolResetSession, nil)
	call(t, a2, agenttool.ToolResetSession, nil)
	require.NotEqual(t, a1.Identifier(), a2.Identifier(), "identifiers after a reset are the toolkit's own")
}

// goldenAlice is the first 128 bits of HMAC-SHA256, under the key above, of
// the conversation "alice" as generation 0 derives it (its length as 8
// big-endian bytes, the id, 8 zero bytes), computed outside Go.
const goldenAlice = "db7267eb4a2ca9330492ab6088778af4"
