package server

import (
	"encoding/json"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// imageJSON is how a figure comes back, with the keys the legacy service
// was seen to use (docs/emulator.md, Legacy routes).
type imageJSON struct {
	Type       string `json:"type"`
	Format     string `json:"format"`
	Base64Data string `json:"base64_data"`
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only strings and fixed structs are marshalled here
	}
	return b
}

func imageResult(img *runtime.Image) json.RawMessage {
	format := img.Format
	if format == "" {
		format = "png"
	}
	return mustJSON(imageJSON{Type: "image", Format: format, Base64Data: img.Base64Data})
}

// v2Result encodes the last expression's value as the v2 contract's spec
// examples do: "" with no expression, null for None, an image object for
// a figure, the repr string otherwise (42 -> "42", 'nan' -> "'nan'",
// float('nan') -> "nan"). returnJupyterFormatExecutionResult changes
// nothing: its spec examples give the same values as those without it
// (docs/emulator.md has the table).
func v2Result(v runtime.Value) json.RawMessage {
	switch {
	case v.Image != nil:
		return imageResult(v.Image)
	case !v.Present:
		return mustJSON("")
	case v.IsNone:
		return json.RawMessage("null")
	default:
		return mustJSON(v.Repr)
	}
}

// legacyResult encodes the value as the legacy service was seen to:
// native JSON for numbers and booleans, the bare string for str, the repr
// string for anything else, "" with no expression. None also gives "":
// IPython shows no Out[] for None, and the legacy service relayed Out[].
func legacyResult(v runtime.Value) json.RawMessage {
	switch {
	case v.Image != nil:
		return imageResult(v.Image)
	case !v.Present, v.IsNone:
		return mustJSON("")
	case v.Native != nil:
		return v.Native
	default:
		return mustJSON(v.Repr)
	}
}
