package agenttool

import (
	"fmt"
	"regexp"
	"slices"
	"time"
)

// PoolType says which tools fit the pool the toolkit runs code in.
type PoolType string

const (
	// PoolTypePython is a code-interpreter pool: the toolkit offers run_python.
	PoolTypePython PoolType = "python"
	// PoolTypeShell is a shell pool: the toolkit offers run_shell.
	PoolTypeShell PoolType = "shell"
)

// Tool names. They are stable and match ^[a-zA-Z0-9_-]{1,64}$, as the
// OpenAI and Anthropic APIs require.
const (
	ToolRunPython    = "run_python"    // {code, timeout_seconds?}
	ToolRunShell     = "run_shell"     // {command, stdin?, timeout_seconds?}
	ToolUploadFile   = "upload_file"   // {path, content, encoding: "text"|"base64"}
	ToolDownloadFile = "download_file" // {path}
	ToolListFiles    = "list_files"    // {path?, recursive?}
	ToolDeleteFile   = "delete_file"   // {path}; off unless Options.EnableDelete or listed in Options.Tools
	ToolResetSession = "reset_session" // {}
	ToolPoolInfo     = "pool_info"     // {}
)

// Defaults and hard limits of Options.
const (
	// DefaultTimeout is how long one run may take when Options.Timeout is 0.
	DefaultTimeout = 60 * time.Second
	// MaxTimeout is the longest run the service allows (220 s); longer
	// timeouts are capped to it.
	MaxTimeout = 220 * time.Second
	// DefaultOutputBudget is how many characters of each stream (stdout,
	// stderr, the value) a result keeps: the first and last halves.
	DefaultOutputBudget = 8000
	// DefaultMaxUploadBytes caps the decoded content of one upload_file call
	// (4 MiB, the request cap of the MCP Go SDK).
	DefaultMaxUploadBytes = 4 << 20
	// DefaultMaxDownloadBytes caps the text download_file returns (64 KiB).
	DefaultMaxDownloadBytes = 64 << 10
	// DefaultMaxImages caps the images one result carries.
	DefaultMaxImages = 4
	// DefaultMaxImageBytes caps the total bytes of the images of one result
	// (3.75 MiB): an image of that size is 5 MiB in base64, the most
	// Anthropic's API takes in one image (it refuses the whole request, and
	// so every later turn that holds it, for one byte more).
	DefaultMaxImageBytes = 3840 << 10
	// DefaultMaxImageSide is the widest or highest image, in pixels, a
	// result carries: Anthropic's API refuses larger ones.
	DefaultMaxImageSide = 8000
	// DefaultMaxBase64Bytes is the largest binary file (not text, not an
	// image) download_file returns, base64-encoded, in Result.Text (3 KiB).
	DefaultMaxBase64Bytes = 3 << 10
	// DefaultIdentifierPrefix starts every derived session identifier.
	DefaultIdentifierPrefix = "agent-"
)

// Options configures a Toolkit. A nil *Options and every zero field mean
// the documented default.
type Options struct {
	// Key is the secret the session identifiers are derived from (HMAC-SHA256
	// of the conversation id). Keep it stable to find a conversation's
	// sandbox again after a restart; at least 16 bytes. Nil: a random
	// 32-byte key per Toolkit.
	Key []byte
	// PoolType says which run tool fits the pool; default PoolTypePython.
	PoolType PoolType
	// Tools is the set of tools offered to the model. Nil: every tool that
	// fits PoolType except delete_file.
	Tools []string
	// EnableDelete adds delete_file to the default set.
	EnableDelete bool
	// Timeout is the default limit of one run (DefaultTimeout); a model may
	// ask for up to MaxRunTimeout with timeout_seconds.
	Timeout time.Duration
	// MaxRunTimeout is the longest timeout_seconds a model may ask for;
	// default and cap MaxTimeout (220 s).
	MaxRunTimeout time.Duration
	// OutputBudget is the number of characters kept per stream, the first
	// and last halves (DefaultOutputBudget).
	OutputBudget int
	// MaxUploadBytes caps the decoded content of upload_file
	// (DefaultMaxUploadBytes).
	MaxUploadBytes int64
	// MaxDownloadBytes caps the text download_file returns
	// (DefaultMaxDownloadBytes).
	MaxDownloadBytes int64
	// MaxBase64Bytes is the largest other binary file download_file returns
	// as base64 (DefaultMaxBase64Bytes); negative: never.
	MaxBase64Bytes int64
	// MaxImages caps the images per result (DefaultMaxImages); negative:
	// no images.
	MaxImages int
	// MaxImageBytes caps the total image bytes per result
	// (DefaultMaxImageBytes).
	MaxImageBytes int64
	// MaxImageSide is the widest or highest image, in pixels, returned as
	// an image (DefaultMaxImageSide); a larger one is described instead.
	// One whose size its header does not give, or whose data is cut short,
	// is never returned: model APIs refuse an image they cannot decode.
	// Negative: no limit.
	MaxImageSide int
	// DisableFileDetection skips the file listing after each run, so
	// results report no created or changed files and no image files.
	DisableFileDetection bool
	// KeepCodeFences runs code exactly as given. By default one Markdown
	// code fence around the code (and prose outside it) is removed.
	KeepCodeFences bool
	// IdentifierPrefix starts every derived session identifier
	// (DefaultIdentifierPrefix); letters, digits, '-' and '_', at most 64.
	IdentifierPrefix string
}

// settings are Options with the defaults applied.
type settings struct {
	key              []byte
	poolType         PoolType
	tools            []string // in definition order
	timeout          time.Duration
	maxTimeout       time.Duration
	outputBudget     int
	maxUpload        int64
	maxDownload      int64
	maxBase64        int64
	maxImages        int
	maxImageBytes    int64
	maxImageSide     int // 0: no limit
	detectFiles      bool
	stripFences      bool
	identifierPrefix string
}

var prefixPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]{0,64}$`)

// allTools is every tool in the order Definitions lists them.
var allTools = []string{ToolRunPython, ToolRunShell, ToolUploadFile, ToolDownloadFile, ToolListFiles, ToolDeleteFile, ToolResetSession, ToolPoolInfo}

// newSettings checks the caller's Options and fills in their defaults.
func newSettings(o *Options) (settings, error) {
	if o == nil {
		o = &Options{}
	}
	s := settings{
		poolType:         o.PoolType,
		timeout:          o.Timeout,
		maxTimeout:       o.MaxRunTimeout,
		outputBudget:     o.OutputBudget,
		maxUpload:        o.MaxUploadBytes,
		maxDownload:      o.MaxDownloadBytes,
		maxBase64:        o.MaxBase64Bytes,
		maxImages:        o.MaxImages,
		maxImageBytes:    o.MaxImageBytes,
		maxImageSide:     o.MaxImageSide,
		detectFiles:      !o.DisableFileDetection,
		stripFences:      !o.KeepCodeFences,
		identifierPrefix: o.IdentifierPrefix,
	}
	for _, step := range []func() error{
		s.setPoolType,
		func() error { return s.setKey(o.Key) },
		s.setTimeouts,
		s.setBudgets,
		s.setIdentifierPrefix,
	} {
		if err := step(); err != nil {
			return settings{}, err
		}
	}
	tools, err := chooseTools(o, s.poolType)
	if err != nil {
		return settings{}, err
	}
	s.tools = tools
	return s, nil
}

// setPoolType defaults the pool type to Python and refuses unknown ones.
func (s *settings) setPoolType() error {
	if s.poolType == "" {
		s.poolType = PoolTypePython
	}
	if s.poolType != PoolTypePython && s.poolType != PoolTypeShell {
		return fmt.Errorf("agenttool: unknown pool type %q (want %q or %q)", s.poolType, PoolTypePython, PoolTypeShell)
	}
	return nil
}

// setKey keeps a copy of the caller's key, refusing one too short to be a
// secret; nil leaves the toolkit to make one.
func (s *settings) setKey(key []byte) error {
	if key != nil && len(key) < 16 {
		return fmt.Errorf("agenttool: Options.Key has %d bytes; use at least 16 (32 random bytes is best)", len(key))
	}
	s.key = slices.Clone(key)
	return nil
}

// setTimeouts defaults the run timeouts, caps them at MaxTimeout and
// refuses what the pool cannot count (negative, or under a second).
func (s *settings) setTimeouts() error {
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{{"Timeout", &s.timeout, DefaultTimeout}, {"MaxRunTimeout", &s.maxTimeout, MaxTimeout}} {
		switch {
		case *d.v < 0:
			return fmt.Errorf("agenttool: Options.%s is negative", d.name)
		case *d.v == 0:
			*d.v = d.def
		case *d.v > MaxTimeout:
			*d.v = MaxTimeout
		}
		if *d.v < time.Second {
			return fmt.Errorf("agenttool: Options.%s is %v; the pool counts whole seconds, use at least 1s", d.name, *d.v)
		}
	}
	if s.timeout > s.maxTimeout {
		s.maxTimeout = s.timeout
	}
	return nil
}

// setBudgets defaults the output, transfer and image budgets. A negative
// byte budget is refused, but for base64 and images, where it means none.
func (s *settings) setBudgets() error {
	if s.outputBudget < 0 {
		return fmt.Errorf("agenttool: Options.OutputBudget is negative")
	}
	if s.outputBudget == 0 {
		s.outputBudget = DefaultOutputBudget
	}
	for _, d := range []struct {
		name string
		v    *int64
		def  int64
	}{{"MaxUploadBytes", &s.maxUpload, DefaultMaxUploadBytes}, {"MaxDownloadBytes", &s.maxDownload, DefaultMaxDownloadBytes}, {"MaxImageBytes", &s.maxImageBytes, DefaultMaxImageBytes}} {
		if *d.v < 0 {
			return fmt.Errorf("agenttool: Options.%s is negative", d.name)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	switch {
	case s.maxBase64 == 0:
		s.maxBase64 = DefaultMaxBase64Bytes
	case s.maxBase64 < 0:
		s.maxBase64 = 0
	}
	switch {
	case s.maxImages == 0:
		s.maxImages = DefaultMaxImages
	case s.maxImages < 0:
		s.maxImages = 0
	}
	switch {
	case s.maxImageSide == 0:
		s.maxImageSide = DefaultMaxImageSide
	case s.maxImageSide < 0:
		s.maxImageSide = 0
	}
	return nil
}

// setIdentifierPrefix defaults the session identifiers' prefix and refuses
// one the pool would not take.
func (s *settings) setIdentifierPrefix() error {
	if s.identifierPrefix == "" {
		s.identifierPrefix = DefaultIdentifierPrefix
	}
	if !prefixPattern.MatchString(s.identifierPrefix) {
		return fmt.Errorf("agenttool: Options.IdentifierPrefix %q may hold only letters, digits, '-' and '_', at most 64", s.identifierPrefix)
	}
	return nil
}

// runTool is the run tool that fits the pool type.
func runTool(p PoolType) string {
	if p == PoolTypeShell {
		return ToolRunShell
	}
	return ToolRunPython
}

func chooseTools(o *Options, p PoolType) ([]string, error) {
	if o.Tools == nil {
		out := []string{}
		for _, name := range allTools {
			switch {
			case name == ToolRunPython || name == ToolRunShell:
				if name != runTool(p) {
					continue
				}
			case name == ToolDeleteFile && !o.EnableDelete:
				continue
			}
			out = append(out, name)
		}
		return out, nil
	}
	want := map[string]bool{}
	for _, name := range o.Tools {
		if !slices.Contains(allTools, name) {
			return nil, fmt.Errorf("agenttool: Options.Tools names an unknown tool %q (known: %v)", name, allTools)
		}
		if (name == ToolRunPython || name == ToolRunShell) && name != runTool(p) {
			return nil, fmt.Errorf("agenttool: Options.Tools names %q, which does not fit a %s pool (use %q)", name, p, runTool(p))
		}
		want[name] = true
	}
	if o.EnableDelete {
		want[ToolDeleteFile] = true
	}
	out := []string{}
	for _, name := range allTools {
		if want[name] {
			out = append(out, name)
		}
	}
	return out, nil
}
