package fake_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/fake"
)

func TestUpload(t *testing.T) {
	content := []byte("skip-me|" + strings.Repeat("data\x00\xff\r\n--", 1000))
	for _, name := range oddNames {
		t.Run(name, func(t *testing.T) {
			srv := fake.ServerFactory{
				FilesServer: fake.FilesServer{
					Upload: func(ctx context.Context, identifier string, gotName string, body io.ReadSeeker, options *azsessions.FilesClientUploadOptions) (resp azfake.Responder[azsessions.FilesClientUploadResponse], errResp azfake.ErrorResponder) {
						require.Equal(t, oddIdentifier, identifier)
						require.Equal(t, name, gotName)
						require.Equal(t, &azsessions.FilesClientUploadOptions{Path: to.Ptr("dir/sub dir é#"), ContentType: to.Ptr("text/csv; charset=utf-8")}, options)
						data, err := io.ReadAll(body)
						require.NoError(t, err)
						require.Equal(t, content[len("skip-me|"):], data)
						resp.SetResponse(http.StatusCreated, azsessions.FilesClientUploadResponse{File: azsessions.File{
							Name: &gotName, Type: to.Ptr(azsessions.FileTypeFile), SizeInBytes: to.Ptr(int64(len(data))),
							ContentType: to.Ptr("text/csv"), LastModifiedAt: &fileTime, Directory: options.Path,
						}}, nil)
						return
					},
				},
			}
			body := bytes.NewReader(content)
			_, err := body.Seek(int64(len("skip-me|")), io.SeekStart)
			require.NoError(t, err)
			got, err := newClient(t, &srv).NewFilesClient().Upload(context.Background(), oddIdentifier, name, body, &azsessions.FilesClientUploadOptions{
				Path: to.Ptr("dir/sub dir é#"), ContentType: to.Ptr("text/csv; charset=utf-8"),
			})
			require.NoError(t, err)
			require.Equal(t, azsessions.File{
				Name: &name, Type: to.Ptr(azsessions.FileTypeFile), SizeInBytes: to.Ptr(int64(len(content) - len("skip-me|"))),
				ContentType: to.Ptr("text/csv"), LastModifiedAt: &fileTime, Directory: to.Ptr("dir/sub dir é#"),
			}, got.File)
		})
	}
}

func TestUploadNoOptions(t *testing.T) {
	srv := fake.ServerFactory{
		FilesServer: fake.FilesServer{
			Upload: func(ctx context.Context, identifier string, name string, body io.ReadSeeker, options *azsessions.FilesClientUploadOptions) (resp azfake.Responder[azsessions.FilesClientUploadResponse], errResp azfake.ErrorResponder) {
				require.Nil(t, options)
				data, err := io.ReadAll(body)
				require.NoError(t, err)
				require.Empty(t, data)
				resp.SetResponse(http.StatusOK, azsessions.FilesClientUploadResponse{File: azsessions.File{Name: &name}}, nil)
				return
			},
		},
	}
	got, err := newClient(t, &srv).NewFilesClient().Upload(context.Background(), "s", "empty", bytes.NewReader(nil), nil)
	require.NoError(t, err)
	require.Equal(t, "empty", *got.Name)
}

func filePage(names ...string) azsessions.FilesClientListResponse {
	var page azsessions.FilesClientListResponse
	for _, n := range names {
		page.Value = append(page.Value, &azsessions.File{Name: to.Ptr(n), Type: to.Ptr(azsessions.FileTypeFile), SizeInBytes: to.Ptr[int64](1), LastModifiedAt: &fileTime})
	}
	return page
}

func TestListFilesPager(t *testing.T) {
	var calls int
	srv := fake.ServerFactory{
		FilesServer: fake.FilesServer{
			NewListPager: func(identifier string, options *azsessions.FilesClientListOptions) (resp azfake.PagerResponder[azsessions.FilesClientListResponse]) {
				calls++
				require.Equal(t, oddIdentifier, identifier)
				require.Equal(t, &azsessions.FilesClientListOptions{Path: to.Ptr("sub dir/é"), Recursive: to.Ptr(true)}, options)
				resp.AddPage(http.StatusOK, filePage(oddNames[0], oddNames[1]), nil)
				resp.AddPage(http.StatusOK, filePage(oddNames[2]), nil)
				resp.AddPage(http.StatusOK, filePage(oddNames[3:]...), nil)
				return
			},
		},
	}
	pager := newClient(t, &srv).NewFilesClient().NewListPager(oddIdentifier, &azsessions.FilesClientListOptions{Path: to.Ptr("sub dir/é"), Recursive: to.Ptr(true)})
	var names []string
	pages := 0
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		require.NoError(t, err)
		pages++
		if pages < 3 {
			require.NotNil(t, page.NextLink)
		} else {
			require.Nil(t, page.NextLink)
		}
		for _, f := range page.Value {
			require.Equal(t, fileTime, *f.LastModifiedAt)
			names = append(names, *f.Name)
		}
	}
	require.Equal(t, 3, pages)
	require.Equal(t, oddNames, names)
	require.Equal(t, 1, calls)
}

func TestListFilesPagerError(t *testing.T) {
	srv := fake.ServerFactory{
		FilesServer: fake.FilesServer{
			NewListPager: func(identifier string, options *azsessions.FilesClientListOptions) (resp azfake.PagerResponder[azsessions.FilesClientListResponse]) {
				require.Nil(t, options)
				resp.AddPage(http.StatusOK, filePage("a"), nil)
				resp.AddResponseError(http.StatusNotFound, "DirectoryNotFound")
				return
			},
		},
	}
	pager := newClient(t, &srv).NewFilesClient().NewListPager("s", nil)
	page, err := pager.NextPage(context.Background())
	require.NoError(t, err)
	require.Len(t, page.Value, 1)
	require.True(t, pager.More())
	_, err = pager.NextPage(context.Background())
	requireResponseError(t, err, http.StatusNotFound, "DirectoryNotFound")
}

// Pagers read in turns each get their own pages, even when the fake hands
// every one the same PagerResponder.
func TestListFilesPagersInterleaved(t *testing.T) {
	var shared azfake.PagerResponder[azsessions.FilesClientListResponse]
	shared.AddPage(http.StatusOK, filePage("1"), nil)
	shared.AddPage(http.StatusOK, filePage("2"), nil)
	shared.AddPage(http.StatusOK, filePage("3"), nil)
	srv := fake.ServerFactory{
		FilesServer: fake.FilesServer{
			NewListPager: func(identifier string, options *azsessions.FilesClientListOptions) azfake.PagerResponder[azsessions.FilesClientListResponse] {
				return shared
			},
		},
	}
	files := newClient(t, &srv).NewFilesClient()
	a, b := files.NewListPager("s", nil), files.NewListPager("s", nil)
	var gotA, gotB []string
	for a.More() || b.More() {
		for _, p := range []struct {
			pager *runtime.Pager[azsessions.FilesClientListResponse]
			out   *[]string
		}{{a, &gotA}, {b, &gotB}} {
			if !p.pager.More() {
				continue
			}
			page, err := p.pager.NextPage(context.Background())
			require.NoError(t, err)
			for _, f := range page.Value {
				*p.out = append(*p.out, *f.Name)
			}
		}
	}
	require.Equal(t, []string{"1", "2", "3"}, gotA)
	require.Equal(t, []string{"1", "2", "3"}, gotB)
}

func TestGetFile(t *testing.T) {
	for _, name := range oddNames {
		t.Run(name, func(t *testing.T) {
			want := azsessions.File{Name: &name, Type: to.Ptr(azsessions.FileTypeFile), ContentType: to.Ptr("text/plain"), SizeInBytes: to.Ptr[int64](12), LastModifiedAt: &fileTime, Directory: to.Ptr("a+b")}
			srv := fake.ServerFactory{
				FilesServer: fake.FilesServer{
					Get: func(ctx context.Context, identifier string, gotName string, options *azsessions.FilesClientGetOptions) (resp azfake.Responder[azsessions.FilesClientGetResponse], errResp azfake.ErrorResponder) {
						require.Equal(t, oddIdentifier, identifier)
						require.Equal(t, name, gotName)
						require.Equal(t, &azsessions.FilesClientGetOptions{Path: to.Ptr("a+b")}, options)
						resp.SetResponse(http.StatusOK, azsessions.FilesClientGetResponse{File: want}, nil)
						return
					},
				},
			}
			got, err := newClient(t, &srv).NewFilesClient().Get(context.Background(), oddIdentifier, name, &azsessions.FilesClientGetOptions{Path: to.Ptr("a+b")})
			require.NoError(t, err)
			require.Equal(t, want, got.File)
		})
	}
}

func TestDownload(t *testing.T) {
	content := []byte("col1,col2\n\x00\xff binary\n")
	for _, modified := range []time.Time{fileTime, sessTime} {
		for _, name := range oddNames {
			t.Run(name, func(t *testing.T) {
				srv := fake.ServerFactory{
					FilesServer: fake.FilesServer{
						Download: func(ctx context.Context, identifier string, gotName string, options *azsessions.FilesClientDownloadOptions) (resp azfake.Responder[azsessions.FilesClientDownloadResponse], errResp azfake.ErrorResponder) {
							require.Equal(t, oddIdentifier, identifier)
							require.Equal(t, name, gotName)
							require.Equal(t, &azsessions.FilesClientDownloadOptions{Path: to.Ptr("out dir")}, options)
							resp.SetResponse(http.StatusOK, azsessions.FilesClientDownloadResponse{
								Body:          io.NopCloser(bytes.NewReader(content)),
								ContentLength: to.Ptr(int64(len(content))),
								ContentType:   to.Ptr("text/csv"),
								LastModified:  &modified,
							}, nil)
							return
						},
					},
				}
				got, err := newClient(t, &srv).NewFilesClient().Download(context.Background(), oddIdentifier, name, &azsessions.FilesClientDownloadOptions{Path: to.Ptr("out dir")})
				require.NoError(t, err)
				data, err := io.ReadAll(got.Body)
				require.NoError(t, err)
				require.NoError(t, got.Body.Close())
				require.Equal(t, content, data)
				require.Equal(t, int64(len(content)), *got.ContentLength)
				require.Equal(t, "text/csv", *got.ContentType)
				require.True(t, modified.Equal(*got.LastModified), "%v != %v", modified, *got.LastModified)
			})
		}
	}
}

func TestDownloadUnknownLength(t *testing.T) {
	srv := fake.ServerFactory{
		FilesServer: fake.FilesServer{
			Download: func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientDownloadOptions) (resp azfake.Responder[azsessions.FilesClientDownloadResponse], errResp azfake.ErrorResponder) {
				require.Nil(t, options)
				resp.SetResponse(http.StatusOK, azsessions.FilesClientDownloadResponse{Body: io.NopCloser(strings.NewReader("abc"))}, nil)
				return
			},
		},
	}
	got, err := newClient(t, &srv).NewFilesClient().Download(context.Background(), "s", "f", nil)
	require.NoError(t, err)
	defer got.Body.Close()
	data, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	require.Equal(t, "abc", string(data))
	require.Nil(t, got.ContentLength)
	require.Nil(t, got.ContentType)
	require.Nil(t, got.LastModified)
}

// TestDownloadLengthIsKept: a body shorter than the ContentLength the fake
// declares fails the read with io.ErrUnexpectedEOF, as net/http reports a
// connection lost mid-file; a longer one is cut at the declared length, as
// net/http's server refuses to write past it. Without this, a test of code
// that must notice a truncated download could never fail it.
func TestDownloadLengthIsKept(t *testing.T) {
	for _, tc := range []lengthCase{
		{body: "abc", length: 10, want: "abc", wantErr: io.ErrUnexpectedEOF},
		{length: 4, nilBody: true, wantErr: io.ErrUnexpectedEOF},
		{body: "abcdef", length: 3, want: "abc"},
		{body: "abc", length: 3, want: "abc"},
		{body: "", length: 0, want: ""},
	} {
		t.Run(tc.String(), func(t *testing.T) {
			srv := fake.ServerFactory{
				FilesServer: fake.FilesServer{
					Download: func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientDownloadOptions) (resp azfake.Responder[azsessions.FilesClientDownloadResponse], errResp azfake.ErrorResponder) {
						r := azsessions.FilesClientDownloadResponse{ContentLength: to.Ptr(tc.length)}
						if !tc.nilBody {
							r.Body = io.NopCloser(strings.NewReader(tc.body))
						}
						resp.SetResponse(http.StatusOK, r, nil)
						return
					},
				},
			}
			got, err := newClient(t, &srv).NewFilesClient().Download(context.Background(), "s", "f", nil)
			require.NoError(t, err)
			defer got.Body.Close()
			require.Equal(t, tc.length, *got.ContentLength)
			tc.requireRead(t, got.Body)
		})
	}
}

// lengthCase is a body, the ContentLength a fake declares for it (nilBody:
// the fake sets no body), and what the caller then reads.
type lengthCase struct {
	body    string
	length  int64
	want    string
	wantErr error
	nilBody bool
}

func (tc lengthCase) String() string {
	return fmt.Sprintf("%d bytes, length %d", len(tc.body), tc.length)
}

// requireRead reads r to its end and checks it gives what tc says.
func (tc lengthCase) requireRead(t *testing.T, r io.Reader) {
	t.Helper()
	data, err := io.ReadAll(r)
	if tc.wantErr != nil {
		require.ErrorIs(t, err, tc.wantErr, tc.String())
	} else {
		require.NoError(t, err, tc.String())
	}
	require.Equal(t, tc.want, string(data), tc.String())
}

// TestDownloadNegativeLengthIsRefused: a ContentLength the wire cannot
// carry fails the download with a clear error.
func TestDownloadNegativeLengthIsRefused(t *testing.T) {
	srv := fake.ServerFactory{
		FilesServer: fake.FilesServer{
			Download: func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientDownloadOptions) (resp azfake.Responder[azsessions.FilesClientDownloadResponse], errResp azfake.ErrorResponder) {
				resp.SetResponse(http.StatusOK, azsessions.FilesClientDownloadResponse{Body: io.NopCloser(strings.NewReader("abc")), ContentLength: to.Ptr[int64](-1)}, nil)
				return
			},
		},
	}
	_, err := newClient(t, &srv).NewFilesClient().Download(context.Background(), "s", "f", nil)
	require.ErrorContains(t, err, "ContentLength -1 is negative")
}

func TestDeleteFile(t *testing.T) {
	for _, name := range oddNames {
		t.Run(name, func(t *testing.T) {
			srv := fake.ServerFactory{
				FilesServer: fake.FilesServer{
					Delete: func(ctx context.Context, identifier string, gotName string, options *azsessions.FilesClientDeleteOptions) (resp azfake.Responder[azsessions.FilesClientDeleteResponse], errResp azfake.ErrorResponder) {
						require.Equal(t, oddIdentifier, identifier)
						require.Equal(t, name, gotName)
						require.Nil(t, options)
						resp.SetResponse(http.StatusNoContent, azsessions.FilesClientDeleteResponse{}, nil)
						return
					},
				},
			}
			_, err := newClient(t, &srv).NewFilesClient().Delete(context.Background(), oddIdentifier, name, nil)
			require.NoError(t, err)
		})
	}
	srv := fake.ServerFactory{
		FilesServer: fake.FilesServer{
			Delete: func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientDeleteOptions) (resp azfake.Responder[azsessions.FilesClientDeleteResponse], errResp azfake.ErrorResponder) {
				require.Equal(t, &azsessions.FilesClientDeleteOptions{Path: to.Ptr("d")}, options)
				errResp.SetResponseError(http.StatusNotFound, "FileNotFound")
				return
			},
		},
	}
	_, err := newClient(t, &srv).NewFilesClient().Delete(context.Background(), "s", "gone", &azsessions.FilesClientDeleteOptions{Path: to.Ptr("d")})
	requireResponseError(t, err, http.StatusNotFound, "FileNotFound")
}
