package server

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// badSeeker is a file whose size cannot be found.
type badSeeker struct{ io.Reader }

func (badSeeker) Seek(int64, int) (int64, error) { return 0, errors.New("seek failed") }

// http.ServeContent answers 500 when it cannot seek the file; the wrapper
// must say InternalServerError, not PreconditionFailed (its code for any
// held error that is not a 416).
func TestContentErrorWriterNamesA500(t *testing.T) {
	rec := httptest.NewRecorder()
	w := &contentErrorWriter{ResponseWriter: rec}
	http.ServeContent(w, httptest.NewRequest(http.MethodGet, "/files/x/content", nil), "x", time.Time{}, badSeeker{strings.NewReader("x")})
	w.finish()
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	require.Equal(t, CodeInternal, rec.Header().Get(HeaderErrorCode), rec.Body.String())
}
