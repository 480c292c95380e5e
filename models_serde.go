package azsessions

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

// executionWire accepts the shapes of every api-version: the flat current
// one, and the legacy {"properties": {...}} with status/stdout/result inline.
// It holds only plain types so that one json.Unmarshal decodes it all.
type executionWire struct {
	ID            *string              `json:"id,omitempty"`
	Identifier    *string              `json:"identifier,omitempty"`
	ExecutionType *string              `json:"executionType,omitempty"`
	Status        json.RawMessage      `json:"status,omitempty"`
	Result        *executionResultWire `json:"result,omitempty"`
	Error         json.RawMessage      `json:"error,omitempty"`
	Properties    *legacyExecutionWire `json:"properties,omitempty"`
}

// legacyExecutionWire is the "properties" object of 2024 api-versions.
type legacyExecutionWire struct {
	Status json.RawMessage `json:"status,omitempty"`
	executionResultWire
}

// UnmarshalJSON implements json.Unmarshaler for Execution.
func (e *Execution) UnmarshalJSON(data []byte) error {
	return decodeExecution(data, e)
}

// decodeExecution decodes an execution in a single pass over data.
func decodeExecution(data []byte, e *Execution) error {
	var w executionWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*e = Execution{ID: w.ID, Identifier: w.Identifier}
	if w.ExecutionType != nil {
		t := normalize(*w.ExecutionType, PossibleExecutionTypeValues())
		e.ExecutionType = &t
	}
	status, result := w.Status, w.Result
	if p := w.Properties; p != nil {
		status, result = p.Status, &p.executionResultWire
	}
	if result != nil {
		r := result.model()
		e.Result = &r
	}
	if len(status) > 0 {
		e.Status, e.ExitCode = parseStatus(status)
	}
	e.Error = parseExecutionError(w.Error)
	return nil
}

// MarshalJSON implements json.Marshaler for Execution, writing the current
// wire shape (a shell exit code goes back into status).
func (e Execution) MarshalJSON() ([]byte, error) {
	var status *json.RawMessage
	switch {
	case e.ExitCode != nil:
		raw := json.RawMessage(strconv.Quote(strconv.Itoa(*e.ExitCode)))
		status = &raw
	case e.Status != nil:
		raw, _ := json.Marshal(string(*e.Status))
		status = (*json.RawMessage)(&raw)
	}
	w := executionWire{ID: e.ID, Identifier: e.Identifier}
	if status != nil {
		w.Status = *status
	}
	if e.Result != nil {
		rw := e.Result.wire()
		w.Result = &rw
	}
	if e.ExecutionType != nil {
		t := string(*e.ExecutionType)
		w.ExecutionType = &t
	}
	if e.Error != nil {
		w.Error, _ = json.Marshal(map[string]*ExecutionError{"error": e.Error})
	}
	return json.Marshal(w)
}

// parseStatus reads a status that may be a state name in any casing, a
// legacy spelling, or a shell exit code (as a string or a number).
func parseStatus(raw json.RawMessage) (*ExecutionStatus, *int) {
	if raw = bytes.TrimSpace(raw); len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		var n json.Number
		if json.Unmarshal(raw, &n) != nil {
			return nil, nil
		}
		s = n.String()
	}
	s = strings.TrimSpace(s)
	// A name ("Succeeded") is not handed to Atoi: its failure allocates
	// an error on every execution.
	if mayBeNumber(s) {
		if code, err := strconv.Atoi(s); err == nil {
			st := ExecutionStatusFailed
			if code == 0 {
				st = ExecutionStatusSucceeded
			}
			return &st, &code
		}
	}
	st := statusFromName(s)
	return &st, nil
}

// mayBeNumber tells whether s starts as strconv.Atoi's numbers do: a sign
// or a digit.
func mayBeNumber(s string) bool {
	return s != "" && (s[0] == '+' || s[0] == '-' || s[0] >= '0' && s[0] <= '9')
}

// statusFromName maps a state name in any casing, and the legacy
// spellings, to an ExecutionStatus.
func statusFromName(s string) ExecutionStatus {
	for _, alias := range [...]struct {
		name string
		st   ExecutionStatus
	}{
		{"Succeeded", ExecutionStatusSucceeded},
		{"Success", ExecutionStatusSucceeded},
		{"Completed", ExecutionStatusSucceeded},
		{"Failed", ExecutionStatusFailed},
		{"Failure", ExecutionStatusFailed},
		{"Canceled", ExecutionStatusCanceled},
		{"Cancelled", ExecutionStatusCanceled},
	} {
		if strings.EqualFold(s, alias.name) {
			return alias.st
		}
	}
	return normalize(s, PossibleExecutionStatusValues())
}

// parseExecutionError accepts {"error":{"code",...}} and a bare
// {"code",...}; anything else is ignored.
func parseExecutionError(raw json.RawMessage) *ExecutionError {
	if len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil
	}
	var wrapped struct {
		Error *ExecutionError `json:"error"`
	}
	if json.Unmarshal(raw, &wrapped) == nil && wrapped.Error != nil {
		return wrapped.Error
	}
	var bare ExecutionError
	if json.Unmarshal(raw, &bare) == nil && (bare.Code != nil || bare.Message != nil) {
		return &bare
	}
	return nil
}

type executionErrorWire struct {
	Code    *string `json:"code,omitempty"`
	Message *string `json:"message,omitempty"`
	Target  *string `json:"target,omitempty"`
}

// UnmarshalJSON implements json.Unmarshaler for ExecutionError.
func (e *ExecutionError) UnmarshalJSON(data []byte) error {
	var w executionErrorWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*e = ExecutionError(w)
	return nil
}

// MarshalJSON implements json.Marshaler for ExecutionError.
func (e ExecutionError) MarshalJSON() ([]byte, error) {
	return json.Marshal(executionErrorWire(e))
}

type executionResultWire struct {
	Stdout                      *string         `json:"stdout,omitempty"`
	Stderr                      *string         `json:"stderr,omitempty"`
	ExecutionResult             json.RawMessage `json:"executionResult,omitempty"`
	Result                      json.RawMessage `json:"result,omitempty"`
	ExecutionTimeInMilliseconds *lenientInt     `json:"executionTimeInMilliseconds,omitempty"`
}

// UnmarshalJSON implements json.Unmarshaler for ExecutionResult. It takes the
// value from executionResult, or from result as older api-versions send it.
func (r *ExecutionResult) UnmarshalJSON(data []byte) error {
	var w executionResultWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*r = w.model()
	return nil
}

// model converts the wire result to the model.
func (w *executionResultWire) model() ExecutionResult {
	r := ExecutionResult{Stdout: w.Stdout, Stderr: w.Stderr, Value: w.ExecutionResult}
	if len(r.Value) == 0 {
		r.Value = w.Result
	}
	// Milliseconds past what a time.Duration holds are not a real run time.
	if t := w.ExecutionTimeInMilliseconds; t != nil && t.ok && t.n <= math.MaxInt64/int64(time.Millisecond) {
		r.ExecutionTimeInMilliseconds = &t.n
	}
	r.Image = parseImage(r.Value)
	return r
}

// MarshalJSON implements json.Marshaler for ExecutionResult.
func (r ExecutionResult) MarshalJSON() ([]byte, error) {
	return json.Marshal(r.wire())
}

// wire converts the result to its wire shape.
func (r ExecutionResult) wire() executionResultWire {
	w := executionResultWire{Stdout: r.Stdout, Stderr: r.Stderr, ExecutionResult: r.Value}
	if len(w.ExecutionResult) == 0 && r.Image != nil {
		w.ExecutionResult, _ = json.Marshal(imageWire{Type: "image", Format: r.Image.Format, Base64Data: base64.StdEncoding.EncodeToString(r.Image.Data)})
	}
	if r.ExecutionTimeInMilliseconds != nil {
		w.ExecutionTimeInMilliseconds = &lenientInt{n: *r.ExecutionTimeInMilliseconds, ok: true}
	}
	return w
}

type imageWire struct {
	Type       string `json:"type"`
	Format     string `json:"format"`
	Base64Data string `json:"base64_data"`
}

// parseImage decodes {"type":"image","format":"png","base64_data":"..."};
// anything else, or undecodable data, gives nil and leaves Value as sent.
func parseImage(raw json.RawMessage) *Image {
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	var w imageWire
	if json.Unmarshal(raw, &w) != nil || !strings.EqualFold(w.Type, "image") {
		return nil
	}
	data, err := base64.StdEncoding.DecodeString(w.Base64Data)
	if err != nil {
		return nil
	}
	return &Image{Format: w.Format, Data: data}
}

// UnmarshalJSON implements json.Unmarshaler for File. It accepts any casing of
// the file type and leaves a timestamp it cannot read nil.
func (f *File) UnmarshalJSON(data []byte) error {
	var w struct {
		Name           *string          `json:"name"`
		Type           *string          `json:"type"`
		ContentType    *string          `json:"contentType"`
		SizeInBytes    *lenientInt      `json:"sizeInBytes"`
		LastModifiedAt *json.RawMessage `json:"lastModifiedAt"`
		Directory      *string          `json:"directory"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*f = File{Name: w.Name, ContentType: w.ContentType, Directory: w.Directory, LastModifiedAt: parseTime(w.LastModifiedAt)}
	if w.Type != nil {
		t := normalize(*w.Type, PossibleFileTypeValues())
		f.Type = &t
	}
	if w.SizeInBytes != nil && w.SizeInBytes.ok {
		f.SizeInBytes = &w.SizeInBytes.n
	}
	return nil
}

type sessionWire struct {
	Identifier     *string          `json:"identifier,omitempty"`
	ExpireAt       *json.RawMessage `json:"expireAt,omitempty"`
	ExpiresAt      *json.RawMessage `json:"expiresAt,omitempty"`
	CreatedAt      *json.RawMessage `json:"createdAt,omitempty"`
	LastAccessedAt *json.RawMessage `json:"lastAccessedAt,omitempty"`
	ETag           *string          `json:"etag,omitempty"`
	Properties     *sessionWire     `json:"properties,omitempty"`
}

// UnmarshalJSON implements json.Unmarshaler for Session. It accepts expireAt
// (/session, /listSessions) and expiresAt (.management endpoints), and
// fields nested in "properties".
func (s *Session) UnmarshalJSON(data []byte) error {
	var w sessionWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if p := w.Properties; p != nil && w.Identifier == nil {
		w = *p
	}
	*s = Session{Identifier: w.Identifier, CreatedAt: parseTime(w.CreatedAt), LastAccessedAt: parseTime(w.LastAccessedAt)}
	s.ExpiresAt = parseTime(w.ExpireAt)
	if s.ExpiresAt == nil {
		s.ExpiresAt = parseTime(w.ExpiresAt)
	}
	if w.ETag != nil {
		e := azcore.ETag(*w.ETag)
		s.ETag = &e
	}
	return nil
}

// MarshalJSON implements json.Marshaler for Session, as /session sends it.
func (s Session) MarshalJSON() ([]byte, error) {
	w := sessionWire{Identifier: s.Identifier, ExpireAt: timeJSON(s.ExpiresAt), CreatedAt: timeJSON(s.CreatedAt), LastAccessedAt: timeJSON(s.LastAccessedAt)}
	if s.ETag != nil {
		e := string(*s.ETag)
		w.ETag = &e
	}
	return json.Marshal(w)
}

// UnmarshalJSON implements json.Unmarshaler for SessionList, accepting the
// {"sessions": [...]} and {"value": [...], "count": N} envelopes.
func (l *SessionList) UnmarshalJSON(data []byte) error {
	var w struct {
		Sessions []*Session  `json:"sessions"`
		Value    []*Session  `json:"value"`
		Count    *lenientInt `json:"count"`
		NextLink *string     `json:"nextLink"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*l = SessionList{Value: w.Sessions, NextLink: w.NextLink}
	if w.Count != nil && w.Count.ok {
		l.Count = &w.Count.n
	}
	if l.Value == nil {
		l.Value = w.Value
	}
	return nil
}

// MarshalJSON implements json.Marshaler for SessionList, as /listSessions
// sends it.
func (l SessionList) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Sessions []*Session `json:"sessions"`
		Count    *int64     `json:"count,omitempty"`
		NextLink *string    `json:"nextLink,omitempty"`
	}{l.Value, l.Count, l.NextLink})
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", time.RFC1123}

// parseTime reads an RFC 3339 timestamp (up to nine fractional digits, with
// or without zone); anything else gives nil, never an error.
func parseTime(raw *json.RawMessage) *time.Time {
	if raw == nil {
		return nil
	}
	var s string
	if json.Unmarshal(*raw, &s) != nil || s == "" {
		return nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return &t
		}
	}
	return nil
}

func timeJSON(t *time.Time) *json.RawMessage {
	if t == nil {
		return nil
	}
	raw := json.RawMessage(strconv.Quote(t.UTC().Format(time.RFC3339Nano)))
	return &raw
}

// lenientInt is a number the service reports for information (a run time, a
// size, a count). Like the timing headers, such a number never fails a
// call: one that is malformed, negative, not a whole number's worth of
// range (1e400, 1e300) or not a number at all is left unset (ok false).
type lenientInt struct {
	n  int64
	ok bool
}

// UnmarshalJSON implements json.Unmarshaler; it never returns an error.
func (l *lenientInt) UnmarshalJSON(data []byte) error {
	l.n, l.ok = parseLenientInt(data)
	return nil
}

// MarshalJSON implements json.Marshaler.
func (l lenientInt) MarshalJSON() ([]byte, error) {
	if !l.ok {
		return []byte("null"), nil
	}
	return strconv.AppendInt(nil, l.n, 10), nil
}

// parseLenientInt reads a non-negative JSON number, or a string holding one,
// rounding a fraction toward zero.
func parseLenientInt(data []byte) (int64, bool) {
	s := strings.TrimSpace(string(data))
	if n := len(s); n >= 2 && s[0] == '"' && s[n-1] == '"' {
		s = strings.TrimSpace(s[1 : n-1])
	}
	switch isDecimal(s) {
	case decimalInteger:
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	case notDecimal:
		// Exponents are valid JSON numbers; anything else ParseFloat
		// accepts (NaN, Inf, hex) is refused below or is harmless.
		if strings.IndexFunc(s, func(r rune) bool { return !strings.ContainsRune("0123456789.eE+-", r) }) >= 0 {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < 0 || v >= math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}
