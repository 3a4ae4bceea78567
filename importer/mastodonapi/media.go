package mastodonapi

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// NewMedia is a file to upload with [Client.UploadMedia] (the
// parameters of POST /api/v2/media).
type NewMedia struct {
	// File is the file's content, read once, as it is sent.
	File io.Reader
	// Name is the file's name, such as "photo.jpg"; ContentType its
	// media type ("" sends application/octet-stream and lets the server
	// sniff it).
	Name, ContentType string
	// Description is the alt text.
	Description string
	// Focus is the focal point, x and y from -1 to 1, or nil.
	Focus *[2]float64
}

// MediaAttachment is the part of the API's MediaAttachment entity that
// [Client.UploadMedia] and [Client.Media] return.
type MediaAttachment struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	// URL is empty while the server is still processing the file.
	URL         string `json:"url"`
	Description string `json:"description"`
	Meta        struct {
		Focus *struct {
			X float64 `json:"x"`
			Y float64 `json:"y"`
		} `json:"focus"`
	} `json:"meta"`
}

// DefaultMediaWait bounds how long [Client.UploadMedia] waits for the
// server to process an upload it accepted without finishing (202).
const DefaultMediaWait = 2 * time.Minute

// UploadMedia uploads a file (POST /api/v2/media, multipart) and returns
// the attachment, streaming the file rather than holding it. When the
// server answers 202 (still processing, as Mastodon does for video), it
// polls GET /api/v1/media/:id until the attachment has a URL, for up to
// [DefaultMediaWait]: Mastodon refuses to attach a file still being
// processed. The request is sent once; an upload whose answer was lost
// leaves an unattached file the server removes in time.
func (c *Client) UploadMedia(ctx context.Context, m *NewMedia) (*MediaAttachment, error) {
	if m == nil || m.File == nil {
		return nil, fmt.Errorf("mastodonapi: UploadMedia: no file")
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	done := make(chan struct{})
	go func() {
		defer close(done)
		pw.CloseWithError(writeMedia(mw, m))
	}()
	// Whatever the request did, end the writer and wait for it: the
	// caller may close the file once this returns.
	defer func() { pr.Close(); <-done }()
	var a MediaAttachment
	raw := &rawBody{r: pr, contentType: mw.FormDataContentType()}
	if _, err := c.do(ctx, http.MethodPost, "/api/v2/media", nil, raw, &a); err != nil {
		return nil, err
	}
	if a.ID == "" {
		return nil, &Error{Method: http.MethodPost, Path: "/api/v2/media", StatusCode: http.StatusOK, Err: ErrUnexpected, Message: "no media id"}
	}
	if a.URL != "" {
		return &a, nil
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultMediaWait)
	defer cancel()
	for delay := 250 * time.Millisecond; ; delay = min(2*delay, 5*time.Second) {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("mastodonapi: media %s still processing: %w", a.ID, ctx.Err())
		}
		got, err := c.Media(ctx, a.ID)
		if err != nil {
			return nil, err
		}
		if got.URL != "" {
			return got, nil
		}
	}
}

// writeMedia writes the multipart form of an upload.
func writeMedia(mw *multipart.Writer, m *NewMedia) error {
	if m.Description != "" {
		if err := mw.WriteField("description", m.Description); err != nil {
			return err
		}
	}
	if m.Focus != nil {
		f := strconv.FormatFloat(m.Focus[0], 'f', -1, 64) + "," + strconv.FormatFloat(m.Focus[1], 'f', -1, 64)
		if err := mw.WriteField("focus", f); err != nil {
			return err
		}
	}
	name := m.Name
	if name == "" {
		name = "file"
	}
	ct := m.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+quoteEscaper.Replace(name)+`"`)
	h.Set("Content-Type", ct)
	w, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, m.File); err != nil {
		return err
	}
	return mw.Close()
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

// Media returns an uploaded attachment (GET /api/v1/media/:id); its URL
// is empty while the server is processing it.
func (c *Client) Media(ctx context.Context, id string) (*MediaAttachment, error) {
	var a MediaAttachment
	if _, err := c.read(ctx, "/api/v1/media/"+url.PathEscape(id), nil, &a); err != nil {
		return nil, err
	}
	return &a, nil
}
