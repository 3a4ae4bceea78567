// Package render writes an export archive, as package archive reads it,
// as a static site a person can read: it opens from disk in any
// browser, with no server and no network. It can also write Markdown,
// one file per month, for people who keep notes in plain text.
//
// A [Renderer] does the work; its fields are its configuration (page
// size, [Limits], a [Renderer.Progress] callback, whether to write into
// a folder that holds files and whether the output is private) and its
// zero value is ready to use. [Renderer.WriteSite] writes the site,
// [Renderer.WriteMarkdown] the Markdown files; both return a [Result]
// of what was written and what could not be read:
//
//	r, err := archive.Open("archive-20240101.zip")
//	...
//	var rd render.Renderer
//	res, err := rd.WriteSite(ctx, r, "site") // then open site/index.html
//
// The site has the profile (avatar, header, name, bio, fields, moved-to
// and also-known-as notices) on index.html above the newest posts, the
// page named "Latest posts" where a reader lands; timeline pages of at
// most [MaxPageSize] posts, newest first, each named by the days it
// spans; months.html
// linking to where each month starts; likes and bookmarks pages; and
// search.html, which filters posts by text, hashtag, date range,
// visibility and media, offline, from index.js written beside the
// pages. Each post shows its date and a link to the original, an edited
// mark, its language and visibility, a content warning as a closed
// <details> element, media copied from the archive with alt text
// (sensitive media blurred until clicked; a file the archive lacks
// linked to its original URL when that is http or https), polls with
// their results, boosts as the boosted post's author
// ("Boosted @bob@example.social", from the shapes Mastodon gives status
// URIs, /users/NAME/statuses/ID and /@NAME/ID, else its host) linking the
// post, and likewise the post it replies to; replies to a post on the
// same page are shown with it as a thread. Dates and times have one
// format throughout, HTML and Markdown: "2 Mar 2023, 10:01 UTC"; the
// pages' own time.js shows them in the reader's time zone, keeping UTC
// as their title, and without JavaScript they read in UTC. Pages are semantic HTML that read well without CSS or
// JavaScript; the stylesheet follows the system's light or dark scheme.
//
// Rendering streams the outbox: memory stays flat whatever the number
// of statuses, apart from a map of about 12 bytes a post that links
// replies to the page of their parent, one of about 24 bytes for each
// media file and folder written, which keeps their names apart, and
// one of about 100 bytes a media file, by a hash of its path, so that a
// file many posts show is copied once ([Result.Media] counts files,
// not references). Page files are numbered from the oldest
// (page-1.html), so that they stream and keep their names, and links to
// them, from one archive of an account to the next; the newest page,
// index.html, may hold fewer posts than the others. A reader sees no
// number counted from the oldest: the newest page is named, the others
// dated. See BENCHMARKS.md at the top of the module for figures.
// A .tar.gz cannot be read out of order without inflating it again
// from its start, so for one the outbox is read twice: first to learn
// which media files the posts use, which are then copied in the order
// the stream stores them, in one pass.
//
// The package is a subpackage of archive because it has one input, an
// [archive.Reader], and nothing else in the module needs it; it is
// public so that other programs can embed the rendering (a web service
// that offers a viewer for uploaded archives, say).
//
// # Security
//
// Archive content is treated as hostile. Post HTML, bios and profile
// fields pass through [Sanitize], an allow-list built on
// github.com/microcosm-cc/bluemonday: paragraphs, line breaks, links
// (http, https and mailto only, made nofollow and noreferrer),
// emphasis, code, quotes and lists survive; scripts, styles, event
// handlers, images, iframes, objects, forms and everything else do not.
// Remote images are never loaded: the only media shown are the archive's
// own files, copied into the output; custom emoji stay as their
// :shortcode: text. Media files keep their extension only when it is
// one of the image, video and audio types Mastodon accepts (and the
// declared media type is not a document such as SVG or HTML); anything
// else (.html, .shtml, .xht, .svg, .php, no extension) is written as an
// inert download, its extension folded into the name before ".bin"
// (evil.shtml becomes evil_shtml.bin), linked with the download
// attribute and never as a page, so neither a browser nor a web server
// that publishes the site runs it. Dots before a media file's extension
// become '_' too (a.php.png becomes a_php.png), for servers that read
// every extension of a name. Every page carries a
// Content-Security-Policy meta tag that allows scripts, styles, images
// and media only from files beside the page and nothing from the
// network, as a second line of defence; the only scripts are the
// package's own search.js and time.js and the generated index.js, whose
// data is JSON with <, > and & escaped and is shown with textContent
// only (time.js, too, sets text only). Boost and reply lines show a user
// name only of letters, digits, '_', '.' and '-', and a host name of
// ASCII, escaped like all text.
//
// The output holds everything the archive does, direct messages and
// followers-only posts included, so it is private by default: files are
// written with mode 0600 and folders made with 0700, like the archive
// package writes archives, and with [Renderer.Force] a file replaced loses
// any group or other access it had (folders that exist keep their
// mode). Set [Renderer.WorldReadable] for 0644 and 0755 (less the umask)
// when the site is meant to be published.
//
// Output goes only inside the folder given: it must be empty unless
// [Renderer.Force] is set ([ErrNotEmpty]), and every file is created
// through an [os.Root], so neither a media path from the archive
// ("../..") nor a symbolic link planted in the folder leads a write out
// of it. Media files keep their archive path under media/ when they
// can. Names are compared as case-insensitive file systems (macOS,
// Windows) see them, so two files whose names differ only in case, or a
// file named like another's folder, never overwrite each other or stop
// the rendering: the later one gets a distinct name with a short hash
// of its archive path (a.png becomes a-1b2c3d4e.png), the same at every
// rendering; a path too long for some file system (over 200 bytes, or
// a component over 100) gets a short hashed name under media/_/. Bytes other than ASCII letters, digits, '.', '-' and '_',
// and names Windows reserves (CON, NUL, ...), are replaced by '_'. Size limits on the input are those of package archive
// ([archive.Limits]); the output is bounded by [Limits] (posts, pages or
// month files, and bytes written, each with a default), reaching one of
// which stops the rendering with a [*LimitError]; the search index keeps at most 2,000 bytes of text
// a post.
//
// # Compatibility
//
// Any archive package archive reads: Mastodon ZIP (4.2 and later) and
// .tar.gz archives, unpacked folders and bare outbox.json files, from
// Mastodon and servers that copy its format. The site works offline in
// current Chromium, Firefox and Safari, opened from file:// URLs; search
// needs JavaScript, the rest does not.
package render
