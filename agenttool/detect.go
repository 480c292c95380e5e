package agenttool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/words"
)

// maxSnapshotFiles bounds the listing kept to detect changes; past it the
// toolkit stops reporting created files rather than hold a huge tree.
const maxSnapshotFiles = 10000

// errTooManyFiles stops a listing past maxSnapshotFiles.
var errTooManyFiles = fmt.Errorf("more than %d files", maxSnapshotFiles)

// tooManyFilesNote is the note of a run whose files were not compared.
var tooManyFilesNote = fmt.Sprintf("/mnt/data holds more than %d files, so created and changed files are not reported.", maxSnapshotFiles)

// maxReportedFiles bounds the files one result names.
const maxReportedFiles = 100

// fileState is what the toolkit remembers of a file to see it change.
type fileState struct {
	size     int64
	modified time.Time
}

// listAll lists the whole of /mnt/data (files only, keyed by path relative
// to it).
func (s *Session) listAll(ctx context.Context) (map[string]fileState, error) {
	recursive := true
	pager := s.t.files.NewListPager(s.Identifier(), &azsessions.FilesClientListOptions{Recursive: &recursive})
	out := map[string]fileState{}
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, f := range page.Value {
			if f == nil || f.Name == nil || (f.Type != nil && *f.Type == azsessions.FileTypeDirectory) {
				continue
			}
			out[joinRel(deref(f.Directory), *f.Name)] = fileState{size: deref(f.SizeInBytes), modified: deref(f.LastModifiedAt)}
			if len(out) > maxSnapshotFiles {
				return nil, errTooManyFiles
			}
		}
	}
	return out, nil
}

// detectChanges lists /mnt/data after a run, compares it with the listing
// before, and fetches the image files created or changed within what is
// left of the image budgets, which the run's figure (or nil) holds a share
// of until signs find the image it was saved as. It returns the first
// maxReportedFiles of the files and, in total, how many there were.
func (s *Session) detectChanges(ctx context.Context, figure *Image, signs figureSigns) ([]FileInfo, int, []Image, []string, error) {
	after, err := s.listAll(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, nil, nil, ctx.Err()
		}
		s.snapshot = nil
		if errors.Is(err, errTooManyFiles) {
			return nil, 0, nil, []string{tooManyFilesNote}, nil
		}
		return nil, 0, nil, []string{"The files could not be listed after the run, so created files are not reported."}, nil
	}
	files := compareFiles(s.snapshot, after)
	s.snapshot = after
	images, notes, err := s.changedImages(ctx, files, figure, signs)
	if err != nil {
		return nil, 0, nil, nil, err
	}
	total := len(files)
	if total > maxReportedFiles {
		notes = append(notes, fmt.Sprintf("%d files changed; the first %d are listed.", total, maxReportedFiles))
		files = files[:maxReportedFiles]
	}
	return files, total, images, notes, nil
}

// compareFiles returns the files created, changed or deleted between two
// listings, sorted by path.
func compareFiles(before, after map[string]fileState) []FileInfo {
	var files []FileInfo
	for p, st := range after {
		old, ok := before[p]
		switch {
		case !ok:
			files = append(files, FileInfo{Path: mountPoint + "/" + p, Size: st.size, Change: ChangeCreated})
		case old != st:
			files = append(files, FileInfo{Path: mountPoint + "/" + p, Size: st.size, Change: ChangeChanged})
		}
	}
	for p, st := range before {
		if _, ok := after[p]; !ok {
			files = append(files, FileInfo{Path: mountPoint + "/" + p, Size: st.size, Change: ChangeDeleted})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files
}

// maxImageNotes bounds how many different failed reads the notes on
// images left out describe, so a run that writes thousands of images does
// not flood the model's context.
const maxImageNotes = 3

// imageSkips counts the images a run wrote that are not shown, by reason.
// Its notes name no file: a file name is sandbox output, which the layout
// keeps inside the data blocks (the files block lists the run's files).
type imageSkips struct {
	reasons     []string       // in the order first seen
	counts      map[string]int // by reason
	readReasons int            // of reasons, failed reads
	unread      int            // failed reads past maxImageNotes reasons
	fetchable   int            // images left out that download_file returns
}

// add counts one image left out for reason, which download_file can
// return; read marks a failed read.
func (k *imageSkips) add(reason string, read bool) {
	k.fetchable++
	k.count(reason, read)
}

// refuse counts one image left out for reason, which no tool returns.
func (k *imageSkips) refuse(reason string) { k.count(reason, false) }

// count counts one image left out for reason.
func (k *imageSkips) count(reason string, read bool) {
	if k.counts == nil {
		k.counts = map[string]int{}
	}
	if _, seen := k.counts[reason]; !seen {
		if read && k.readReasons >= maxImageNotes {
			k.unread++
			return
		}
		if read {
			k.readReasons++
		}
		k.reasons = append(k.reasons, reason)
	}
	k.counts[reason]++
}

// notes are the sentences for the model: one a reason, and how to get an
// image that was left out.
func (k *imageSkips) notes() []string {
	var notes []string
	for _, r := range k.reasons {
		notes = append(notes, fmt.Sprintf("Not shown: %s the run wrote (%s).", words.Count(int64(k.counts[r]), "image"), r))
	}
	if k.unread > 0 {
		notes = append(notes, fmt.Sprintf("Not shown: %s more the run wrote (reading failed).", words.Count(int64(k.unread), "image")))
	}
	if k.fetchable > 0 {
		notes = append(notes, "download_file returns an image that is not shown, one at a time.")
	}
	return notes
}

// changedImages fetches the images among the files created or changed, as
// long as the image budgets, of which the run's figure (or nil) holds a
// share, leave room; the notes say how many were left out and why. Once an
// image signs say the figure was saved as is among them, a figure
// Matplotlib rendered will be left out (dropSavedFigure), so its share goes
// to the files after that one.
func (s *Session) changedImages(ctx context.Context, files []FileInfo, figure *Image, signs figureSigns) ([]Image, []string, error) {
	var images []Image
	var skips imageSkips
	count, total := 0, int64(0)
	if figure != nil {
		count, total = 1, int64(len(figure.Data))
		if !matplotlibPNG(figure.Data) {
			figure = nil // no figure: it stays, and keeps its share
		}
	}
	for _, f := range files {
		if f.Change == ChangeDeleted {
			continue
		}
		if otherImageByName(f.Path) {
			skips.refuse(otherImageNote) // download_file gives it as data
			continue
		}
		if imageMIMEByName(f.Path) == "" {
			continue
		}
		img, err := s.changedImage(ctx, f, count, total, &skips)
		if err != nil {
			return nil, nil, err
		}
		if img != nil {
			images = append(images, *img)
			count++
			total += int64(len(img.Data))
			if figure != nil && signs.saved(img.Data) {
				count--
				total -= int64(len(figure.Data))
				figure = nil
			}
		}
	}
	return images, skips.notes(), nil
}

// changedImage fetches the image file f when the budgets leave room for it
// (count images and total bytes spent), or counts in skips why it is not
// shown. A file named like an image that is not one is neither.
func (s *Session) changedImage(ctx context.Context, f FileInfo, count int, total int64, skips *imageSkips) (*Image, error) {
	set := s.t.set
	spent := imageSpent{count: count, bytes: total}
	if reason := set.judgeBudgets(f.Size, spent); reason != imageShown {
		// download_file returns neither an image with images off nor one
		// over the image budget on its own: the note must not send the
		// model there for them.
		switch {
		case reason == imagesOff:
			skips.refuse(set.skipReason(imageVerdict{reason: reason}))
		case f.Size > set.maxImageBytes:
			skips.refuse(errImageOverBudget(set.maxImageBytes).Error() + "; make a smaller one with code")
		default:
			skips.add(set.skipReason(imageVerdict{reason: reason}), false)
		}
		return nil, nil
	}
	p, err := parseFilePath(f.Path)
	if err != nil {
		// download_file refuses the name as well.
		skips.refuse("a name holding characters the toolkit does not send to the pool")
		return nil, nil
	}
	data, err := s.readImage(ctx, p, set.maxImageBytes-total)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		skips.add(readFailure(err), true)
		return nil, nil
	}
	v := set.judgeImage(data, int64(len(data)), spent)
	switch v.reason {
	case imageShown:
		return &Image{Name: f.Path, MIMEType: v.mime, Data: data}, nil
	case imageNotAType:
		return nil, nil // named like an image, but is not one
	case imageOverSide, imageUndecodable:
		skips.refuse(set.skipReason(v)) // no tool returns it
	default:
		skips.add(set.skipReason(v), false)
	}
	return nil, nil
}

// skipReason words why an image a run wrote is not shown, for a note.
func (set settings) skipReason(v imageVerdict) string {
	switch v.reason {
	case imagesOff:
		return "images are turned off here"
	case imageOverCount:
		return "a result carries at most " + words.Count(int64(set.maxImages), "image")
	case imageOverBytes:
		return fmt.Sprintf("the images of a result share a budget of %d bytes", set.maxImageBytes)
	case imageOverSide:
		err := errImageSide(set.maxImageSide)
		return err.Error() + "; " + imageAdvice(err)
	}
	err := errImageDamaged{}
	return err.Error() + "; " + imageAdvice(err)
}

// readFailure says why an image could not be read, for a note: the pool's
// status, not its message nor the request, either of which may quote the
// file's name, sandbox output that a line of the toolkit's own must not
// hold (the emulator's 404 says "the file /mnt/data/<name> does not exist").
func readFailure(err error) string {
	var re *azcore.ResponseError
	var over errImageOverBudget
	switch {
	case errors.As(err, &re):
		return "reading failed: " + poolStatus(re)
	case errors.As(err, &over):
		return "reading failed: " + over.Error()
	}
	return "reading failed"
}

// errImageOverBudget is a file that grew past the image budget left,
// limit bytes, after the listing that found it.
type errImageOverBudget int64

func (e errImageOverBudget) Error() string {
	return fmt.Sprintf("larger than the image budget of %d bytes", int64(e))
}

// readImage downloads an image file of at most limit bytes.
func (s *Session) readImage(ctx context.Context, p sandboxPath, limit int64) ([]byte, error) {
	resp, err := s.fetch(ctx, p)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errImageOverBudget(limit)
	}
	return data, nil
}

// imageMIMEByName is the media type an image file's extension promises.
func imageMIMEByName(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".gif":
		return "image/gif"
	case ".webp":
		return "image/webp"
	}
	return ""
}

// sniffImage returns the media type of an image a model can be shown (PNG,
// JPEG, GIF, WebP), from its bytes, or "".
func sniffImage(data []byte) string {
	switch t := http.DetectContentType(data); t {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return t
	}
	return ""
}

// inlineImage turns the figure a run returned into an Image, if the budget
// and its format allow, or says why not.
func (s *Session) inlineImage(img *azsessions.Image) (*Image, string) {
	set := s.t.set
	v := set.judgeImage(img.Data, int64(len(img.Data)), imageSpent{})
	switch v.reason {
	case imageNotAType:
		return nil, fmt.Sprintf("its format %q is not one a model can be shown", img.Format)
	case imagesOff:
		return nil, "images are turned off"
	case imageOverCount:
		return nil, "a result carries at most " + words.Count(int64(set.maxImages), "image")
	case imageOverBytes:
		return nil, fmt.Sprintf("its %d bytes pass the image budget of %d bytes", len(img.Data), set.maxImageBytes)
	case imageOverSide:
		return nil, fmt.Sprintf("it is %d × %d pixels, %v; make it smaller", v.w, v.h, errImageSide(set.maxImageSide))
	case imageUndecodable:
		return nil, errImageDamaged{}.Error()
	}
	return &Image{Name: "", MIMEType: v.mime, Data: bytes.Clone(img.Data)}, ""
}

func imageInfos(images []Image) []ImageInfo {
	out := make([]ImageInfo, 0, len(images))
	for _, im := range images {
		out = append(out, ImageInfo{Name: im.Name, MIMEType: im.MIMEType, Size: int64(len(im.Data))})
	}
	return out
}

// writeFiles adds the files of a run to the layout. Their names are
// sandbox output, so they are a data block.
func writeFiles(l *layout, files []FileInfo, total int) {
	if len(files) == 0 {
		return
	}
	var b strings.Builder
	for _, f := range files {
		fmt.Fprintf(&b, "%s %s (%s)\n", f.Change, shown(f.Path), words.Count(f.Size, "byte"))
	}
	// The count is of every file, not only the ones listed, as the
	// layout promises; a note says how many are listed.
	l.line("files: " + words.Count(int64(max(total, len(files))), "file") + " the run created, changed or deleted")
	l.block("files", b.String())
}

// writeImages says which images travel with the result, in their order;
// their names, sandbox output, are a data block.
func writeImages(l *layout, images []Image) {
	if len(images) == 0 {
		return
	}
	var b strings.Builder
	for _, im := range images {
		n := shown(im.Name)
		if n == "" {
			n = "the run's figure"
		}
		fmt.Fprintf(&b, "%s (%s, %s)\n", n, im.MIMEType, words.Count(int64(len(im.Data)), "byte"))
	}
	l.linef("images: %d returned with this result as image content, in this order:", len(images))
	l.block("images", b.String())
}
