package agenttool

import (
	"regexp"
	"strings"
)

// fenceLanguages are the info strings of a fence around code worth
// running; a fence labelled otherwise (```json) is left alone.
var fenceLanguages = map[string]bool{
	"": true, "python": true, "py": true, "python3": true, "ipython": true,
	"bash": true, "sh": true, "shell": true, "zsh": true, "console": true,
}

// stripFence removes one Markdown code fence around code, with any prose
// before or after it, as models often send. It works on whole lines only,
// so identifiers such as python_var or shopt are never touched, and code
// without a fence, with more than one fenced block, or whose fence sits in
// a multi-line string or a here-document, comes back as given.
func stripFence(code string) string {
	lines := strings.SplitAfter(code, "\n")
	open, ticks := -1, 0
	for i, ln := range lines {
		if n, info, ok := fenceLine(ln); ok {
			if !fenceLanguages[strings.ToLower(info)] {
				return code
			}
			open, ticks = i, n
			break
		}
	}
	if open < 0 {
		return code
	}
	closing := -1
	for i := open + 1; i < len(lines); i++ {
		if n, info, ok := fenceLine(lines[i]); ok {
			if info != "" || n < ticks {
				return code // a second opening fence or a shorter run: not one block
			}
			closing = i
			break
		}
	}
	if closing < 0 {
		// An unclosed fence (the model's message was cut): strip it only
		// when it opens the text, where it cannot be part of the code.
		if strings.TrimSpace(strings.Join(lines[:open], "")) != "" {
			return code
		}
		return strings.Join(lines[open+1:], "")
	}
	for _, ln := range lines[closing+1:] {
		if _, _, ok := fenceLine(ln); ok {
			return code // more than one fenced block
		}
	}
	if quotesCode(strings.Join(lines[:open], ""), strings.Join(lines[closing+1:], "")) {
		return code // the fence is in a string or a here-document of the code
	}
	return strings.Join(lines[open+1:closing], "")
}

// quotesCode reports whether the text before a fenced block opens a
// multi-line string (three double or single quotes) or a here-document
// that the text after it closes: a fence line can only sit inside code
// there, as in code that writes a Markdown report. Prose that merely
// mentions """ or << on one side is not code.
func quotesCode(before, after string) bool {
	for _, q := range []string{`"""`, "'''"} {
		if strings.Count(before, q)%2 == 1 && strings.Count(after, q)%2 == 1 {
			return true
		}
	}
	for _, m := range heredocStart.FindAllStringSubmatch(before, -1) {
		for _, ln := range strings.Split(after, "\n") {
			if strings.TrimSpace(ln) == m[1] {
				return true
			}
		}
	}
	return false
}

// heredocStart matches a here-document operator and its delimiter word.
var heredocStart = regexp.MustCompile(`<<-?\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?`)

// fenceLine reports whether ln is a Markdown fence line (three or more
// backticks, indented at most three spaces) and returns the backtick count
// and the info string.
func fenceLine(ln string) (int, string, bool) {
	s := strings.TrimRight(ln, "\r\n")
	indent := len(s) - len(strings.TrimLeft(s, " "))
	if indent > 3 {
		return 0, "", false
	}
	s = s[indent:]
	n := len(s) - len(strings.TrimLeft(s, "`"))
	if n < 3 {
		return 0, "", false
	}
	info := strings.TrimSpace(s[n:])
	if strings.Contains(info, "`") {
		return 0, "", false
	}
	if f := strings.Fields(info); len(f) > 0 {
		info = f[0]
	}
	return n, info, true
}
